#include "gantry/protocols/common/output_queue.hpp"

#include <cassert>

namespace gantry::protocols::common {

void output_queue::push(std::vector<std::byte> bytes) { push_owned(std::move(bytes)); }

void output_queue::push(std::string bytes) { push_owned(std::move(bytes)); }

template <typename Bytes>
void output_queue::push_owned(Bytes bytes) {
    if (bytes.empty()) {
        return;
    }
    // The buffer is taken where the bytes stay: a short string's bytes move
    // with it, and entries do not move once queued.
    auto& e = entries_.emplace_back();
    auto& owned = e.owned.template emplace<Bytes>(std::move(bytes));
    e.buffers.push_back(asio::buffer(owned));
    e.bytes = owned.size();
    bytes_ += e.bytes;
}

void output_queue::push(std::span<const asio::const_buffer> buffers, std::shared_ptr<const void> keep_alive) {
    entry e;
    for (const auto& buffer : buffers) {
        if (buffer.size() > 0) {
            e.buffers.push_back(buffer);
            e.bytes += buffer.size();
        }
    }
    if (e.bytes == 0) {
        return;
    }
    e.keep_alive = std::move(keep_alive);
    bytes_ += e.bytes;
    entries_.push_back(std::move(e));
}

void output_queue::push(std::span<const std::byte> head, std::span<const std::byte> tail,
                        std::shared_ptr<const void> keep_alive) {
    if (head.empty() && tail.empty()) return;
    auto& e = entries_.emplace_back();
    if (!head.empty()) {
        using head_bytes = boost::container::small_vector<std::byte, inline_head_bytes>;
        const auto& copy = e.owned.emplace<head_bytes>(head.begin(), head.end());
        e.buffers.push_back(asio::buffer(copy.data(), copy.size()));
    }
    if (!tail.empty()) e.buffers.push_back(asio::buffer(tail.data(), tail.size()));
    e.keep_alive = std::move(keep_alive);
    e.bytes = asio::buffer_size(e.buffers);
    bytes_ += e.bytes;
}

std::span<const asio::const_buffer> output_queue::gather() {
    assert(gathered_entries_ == 0 && "gather() again before release_gathered()");
    gathered_.clear();
    std::size_t gathered_bytes = 0;
    for (const auto& e : entries_) {
        const bool first = gathered_entries_ == 0;
        if (!first && (gathered_.size() + e.buffers.size() > max_gather_buffers ||
                       gathered_bytes + e.bytes > max_gather_bytes)) {
            break;
        }
        gathered_.insert(gathered_.end(), e.buffers.begin(), e.buffers.end());
        gathered_bytes += e.bytes;
        ++gathered_entries_;
    }
    return gathered_;
}

void output_queue::release_gathered() {
    for (; gathered_entries_ > 0; --gathered_entries_) {
        bytes_ -= entries_.front().bytes;
        entries_.pop_front();
    }
    gathered_.clear();
}

} // namespace gantry::protocols::common
