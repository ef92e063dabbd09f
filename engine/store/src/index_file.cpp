#include "gantry/store/index_file.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>

#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/java_hash.hpp"
#include "gantry/store/store_error.hpp"

namespace gantry::store {

namespace {

// Header field positions (specs §5.4).
constexpr std::int64_t begin_timestamp_at = 0;
constexpr std::int64_t end_timestamp_at = 8;
constexpr std::int64_t begin_physical_offset_at = 16;
constexpr std::int64_t end_physical_offset_at = 24;
constexpr std::int64_t slots_in_use_at = 32;
constexpr std::int64_t index_count_at = 36;

constexpr std::size_t name_length = 17;

std::string format_name(const std::tm& t, std::int64_t ms) {
    char name[32];
    const std::size_t length = std::strftime(name, sizeof name, "%Y%m%d%H%M%S", &t);
    std::snprintf(name + length, sizeof name - length, "%03d", static_cast<int>(ms % 1000));
    return name;
}

// The name 1 ms after `name`. Calendar arithmetic on its digits (through
// UTC, which has no daylight-saving gaps) keeps it valid whatever the clock
// did since.
std::string name_after(std::string_view name) {
    auto field = [&](std::size_t at, std::size_t length) {
        int v = 0;
        std::from_chars(name.data() + at, name.data() + at + length, v);
        return v;
    };
    std::tm t{};
    t.tm_year = field(0, 4) - 1900;
    t.tm_mon = field(4, 2) - 1;
    t.tm_mday = field(6, 2);
    t.tm_hour = field(8, 2);
    t.tm_min = field(10, 2);
    t.tm_sec = field(12, 2);
    const std::int64_t ms = std::int64_t{::timegm(&t)} * 1000 + field(14, 3) + 1;
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm next{};
    ::gmtime_r(&seconds, &next);
    return format_name(next, ms % 1000);
}

} // namespace

std::int64_t index_file::file_size(std::int32_t slot_count, std::int32_t max_entries) noexcept {
    return header_size + std::int64_t{slot_count} * slot_size + std::int64_t{max_entries} * entry_size;
}

std::int32_t index_file::key_hash(std::string_view topic, std::string_view key) {
    // The hash of "<topic>#<key>", as RocketMQ builds it.
    const std::int32_t h = java_string_hash(key, java_string_hash("#", java_string_hash(topic)));
    // Java's Math.abs leaves MIN_VALUE negative; RocketMQ then uses 0.
    return h == std::numeric_limits<std::int32_t>::min() ? 0 : (h < 0 ? -h : h);
}

std::string index_file::file_name(std::int64_t epoch_ms) {
    const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm t{};
    ::localtime_r(&seconds, &t);
    return format_name(t, epoch_ms % 1000);
}

// Hash slots and key chains are read and written at random places: nothing
// is worth reading ahead, and most blocks are unwritten for a long time.
index_file::index_file(mapped_file_ptr file, std::int32_t slot_count, std::int32_t max_entries)
    : file_(std::move(file)), slot_count_(slot_count), max_entries_(max_entries) {
    file_->advise(mapped_file::readahead::none);
}

result<std::shared_ptr<index_file>> index_file::create(const std::filesystem::path& dir,
                                                       std::string_view previous_name, std::int32_t slot_count,
                                                       std::int32_t max_entries) {
    std::string name = file_name(engine::wall_clock_ms());
    if (previous_name.size() == name_length && name <= previous_name) name = name_after(previous_name);
    auto mapped = mapped_file::create_at(dir / name, 0, file_size(slot_count, max_entries));
    if (!mapped) return mapped.error();
    std::shared_ptr<index_file> file(new index_file(std::move(*mapped), slot_count, max_entries));
    file->write_header();
    // wrote = end of the entries in use, flushed = 0: the header and slot
    // region still have to reach the disk.
    file->file_->set_wrote_position(file->entry_position(1));
    return file;
}

result<std::shared_ptr<index_file>> index_file::open(const std::filesystem::path& path, std::int32_t slot_count,
                                                     std::int32_t max_entries) {
    auto mapped = mapped_file::open(path, 0, file_size(slot_count, max_entries));
    if (!mapped) return mapped.error();
    std::shared_ptr<index_file> file(new index_file(std::move(*mapped), slot_count, max_entries));
    const std::byte* header = file->file_->data();
    std::int32_t count = load_be<std::int32_t>(header + index_count_at);
    // A header never written (a crash right after the file was created)
    // reads as zeros: an empty file.
    if (count == 0) count = 1;
    if (count < 1 || count > max_entries) return make_error_code(store_errc::corrupt_file);
    file->slots_in_use_ = load_be<std::int32_t>(header + slots_in_use_at);
    file->begin_timestamp_.store(load_be<std::int64_t>(header + begin_timestamp_at));
    file->end_timestamp_.store(load_be<std::int64_t>(header + end_timestamp_at));
    file->begin_physical_offset_.store(load_be<std::int64_t>(header + begin_physical_offset_at));
    file->end_physical_offset_.store(load_be<std::int64_t>(header + end_physical_offset_at));
    file->index_count_.store(count);
    file->file_->set_wrote_position(file->entry_position(count));
    file->file_->set_flushed_position(file->entry_position(count));
    return file;
}

std::int64_t index_file::entry_position(std::int32_t index) const noexcept {
    return header_size + std::int64_t{slot_count_} * slot_size + std::int64_t{index} * entry_size;
}

// Slot words are shared with concurrent readers, so every access to them
// goes through std::atomic_ref; they hold big-endian values like the rest.
std::int32_t index_file::load_slot(std::int32_t slot, std::memory_order order) const noexcept {
    void* word = file_->data() + header_size + std::int64_t{slot} * slot_size;
    const std::uint32_t raw = std::atomic_ref<std::uint32_t>(*static_cast<std::uint32_t*>(word)).load(order);
    return load_be<std::int32_t>(reinterpret_cast<const std::byte*>(&raw));
}

void index_file::store_slot(std::int32_t slot, std::int32_t index) noexcept {
    void* word = file_->data() + header_size + std::int64_t{slot} * slot_size;
    std::uint32_t raw = 0;
    store_be<std::int32_t>(reinterpret_cast<std::byte*>(&raw), index);
    std::atomic_ref<std::uint32_t>(*static_cast<std::uint32_t*>(word)).store(raw, std::memory_order_release);
}

void index_file::write_header() noexcept {
    std::byte* header = file_->data();
    store_be<std::int64_t>(header + begin_timestamp_at, begin_timestamp_.load(std::memory_order_relaxed));
    store_be<std::int64_t>(header + end_timestamp_at, end_timestamp_.load(std::memory_order_relaxed));
    store_be<std::int64_t>(header + begin_physical_offset_at, begin_physical_offset_.load(std::memory_order_relaxed));
    store_be<std::int64_t>(header + end_physical_offset_at, end_physical_offset_.load(std::memory_order_relaxed));
    store_be<std::int32_t>(header + slots_in_use_at, slots_in_use_);
    store_be<std::int32_t>(header + index_count_at, index_count_.load(std::memory_order_relaxed));
}

bool index_file::put(std::int32_t key_hash, std::int64_t physical_offset, std::int64_t store_timestamp) {
    const std::int32_t index = index_count_.load(std::memory_order_relaxed);
    if (index >= max_entries_) return false;
    const std::int32_t slot = key_hash % slot_count_;
    std::int32_t previous = load_slot(slot, std::memory_order_relaxed);
    // A slot pointing at or past the next entry was torn by a crash; the
    // chain starts afresh rather than through garbage.
    if (previous < 0 || previous >= index) previous = 0;
    if (index == 1) {
        begin_timestamp_.store(store_timestamp, std::memory_order_relaxed);
        begin_physical_offset_.store(physical_offset, std::memory_order_relaxed);
    }
    const std::int64_t seconds = (store_timestamp - begin_timestamp_.load(std::memory_order_relaxed)) / 1000;
    const std::int64_t time_diff = std::clamp<std::int64_t>(seconds, 0, std::numeric_limits<std::int32_t>::max());

    std::byte* entry = file_->data() + entry_position(index);
    store_be<std::int32_t>(entry, key_hash);
    store_be<std::int64_t>(entry + 4, physical_offset);
    store_be<std::int32_t>(entry + 12, static_cast<std::int32_t>(time_diff));
    store_be<std::int32_t>(entry + 16, previous);
    end_timestamp_.store(store_timestamp, std::memory_order_relaxed);
    end_physical_offset_.store(physical_offset, std::memory_order_relaxed);
    // The count first, then the slot: a reader that reaches the entry
    // through the slot also sees a count covering it, and trusts no index
    // at or above the count (a torn slot cannot lead it into an entry the
    // writer is filling).
    index_count_.store(index + 1, std::memory_order_release);
    store_slot(slot, index);
    if (previous == 0) ++slots_in_use_;
    write_header();
    // Published last: flush() knows there is something new to sync.
    file_->set_wrote_position(entry_position(index + 1));
    return true;
}

void index_file::select(std::int32_t key_hash, std::int64_t begin_ms, std::int64_t end_ms, std::size_t max_results,
                        std::vector<std::int64_t>& out) const {
    std::int32_t index = load_slot(key_hash % slot_count_, std::memory_order_acquire);
    const std::int32_t count = index_count_.load(std::memory_order_acquire);
    const std::int64_t begin = begin_timestamp();
    while (index > 0 && index < count && out.size() < max_results) {
        const std::byte* entry = file_->data() + entry_position(index);
        const auto time_diff = load_be<std::int32_t>(entry + 12);
        const std::int64_t stored_at = begin + std::int64_t{time_diff} * 1000;
        if (load_be<std::int32_t>(entry) == key_hash && stored_at >= begin_ms && stored_at <= end_ms)
            out.push_back(load_be<std::int64_t>(entry + 4));
        const auto previous = load_be<std::int32_t>(entry + 16);
        // Chains only point back; a corrupt one must not loop.
        if (previous >= index) break;
        index = previous;
    }
}

bool index_file::overlaps(std::int64_t begin_ms, std::int64_t end_ms) const noexcept {
    return entry_count() > 0 && begin_ms <= end_timestamp() && end_ms >= begin_timestamp();
}

std::error_code index_file::flush() {
    // Puts touch the header and slots anywhere below the entries in use, so
    // a flush syncs that whole range, not just what follows the last flush.
    if (file_->wrote_position() > file_->flushed_position()) file_->set_flushed_position(0);
    auto flushed = file_->flush(0);
    return flushed ? std::error_code{} : flushed.error();
}

} // namespace gantry::store
