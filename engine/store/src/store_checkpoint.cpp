#include "gantry/store/store_checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "gantry/store/byte_order.hpp"

namespace gantry::store {

namespace {

constexpr std::size_t page = 4096;
constexpr std::size_t physic_at = 0;
constexpr std::size_t logics_at = 8;
constexpr std::size_t index_at = 16;
constexpr std::size_t physic_flushed_at = 40;
constexpr std::size_t dispatched_at = 48;
constexpr std::size_t indexed_at = 56;

std::error_code last_error() { return {errno, std::system_category()}; }

} // namespace

store_checkpoint::store_checkpoint(std::filesystem::path path) : path_(std::move(path)) {}

store_checkpoint::~store_checkpoint() {
    if (fd_ >= 0) ::close(fd_);
}

std::error_code store_checkpoint::open() {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return last_error();
    std::array<std::byte, page> buffer{};
    const auto n = ::pread(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) return last_error();
    if (static_cast<std::size_t>(n) < dispatched_at + 8) return {}; // new file
    state_.physic_msg_timestamp = load_be<std::int64_t>(buffer.data() + physic_at);
    state_.logics_msg_timestamp = load_be<std::int64_t>(buffer.data() + logics_at);
    state_.index_msg_timestamp = load_be<std::int64_t>(buffer.data() + index_at);
    state_.physic_flushed_offset = load_be<std::int64_t>(buffer.data() + physic_flushed_at);
    state_.dispatched_offset = load_be<std::int64_t>(buffer.data() + dispatched_at);
    // Zero in a checkpoint from before the index had an offset of its own:
    // recovery then indexes the whole log again, once.
    state_.indexed_offset = load_be<std::int64_t>(buffer.data() + indexed_at);
    return {};
}

checkpoint_state store_checkpoint::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

void store_checkpoint::set_physic(std::int64_t flushed_offset, std::int64_t last_store_timestamp) {
    std::lock_guard lock(mutex_);
    state_.physic_flushed_offset = flushed_offset;
    if (last_store_timestamp > 0) state_.physic_msg_timestamp = last_store_timestamp;
}

void store_checkpoint::set_logics(std::int64_t dispatched_offset, std::int64_t last_store_timestamp) {
    std::lock_guard lock(mutex_);
    state_.dispatched_offset = dispatched_offset;
    if (last_store_timestamp > 0) state_.logics_msg_timestamp = last_store_timestamp;
}

void store_checkpoint::set_index(std::int64_t indexed_offset, std::int64_t last_store_timestamp) {
    std::lock_guard lock(mutex_);
    state_.indexed_offset = indexed_offset;
    if (last_store_timestamp > 0) state_.index_msg_timestamp = last_store_timestamp;
}

std::error_code store_checkpoint::flush() {
    // Serialising whole flushes keeps a newer snapshot from being overwritten
    // by an older one; the state itself stays free for the flushers.
    std::lock_guard write_lock(write_mutex_);
    const checkpoint_state snapshot = state();
    std::array<std::byte, page> buffer{};
    store_be<std::int64_t>(buffer.data() + physic_at, snapshot.physic_msg_timestamp);
    store_be<std::int64_t>(buffer.data() + logics_at, snapshot.logics_msg_timestamp);
    store_be<std::int64_t>(buffer.data() + index_at, snapshot.index_msg_timestamp);
    store_be<std::int64_t>(buffer.data() + physic_flushed_at, snapshot.physic_flushed_offset);
    store_be<std::int64_t>(buffer.data() + dispatched_at, snapshot.dispatched_offset);
    store_be<std::int64_t>(buffer.data() + indexed_at, snapshot.indexed_offset);
    // One aligned 4 KiB page is written atomically by the file systems we
    // run on, so a crash leaves the old or the new checkpoint.
    if (::pwrite(fd_, buffer.data(), buffer.size(), 0) != static_cast<ssize_t>(buffer.size())) return last_error();
    if (::fdatasync(fd_) != 0) return last_error();
    return {};
}

} // namespace gantry::store
