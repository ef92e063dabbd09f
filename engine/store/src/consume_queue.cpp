#include "gantry/store/consume_queue.hpp"

#include <algorithm>

#include "store_log.hpp"

namespace gantry::store {

consume_queue::consume_queue(std::string topic, std::int32_t queue_id, std::filesystem::path dir,
                             std::int64_t file_size, warm_ahead warming)
    : topic_(std::move(topic)), queue_id_(queue_id), files_(std::move(dir), file_size), warming_(warming) {}

cq_entry consume_queue::decode(const std::byte* p) {
    return {load_be<std::int64_t>(p), load_be<std::int32_t>(p + 8), load_be<std::int64_t>(p + 12)};
}

void consume_queue::recover(std::int64_t commit_log_min, std::int64_t commit_log_max) {
    auto files = files_.files();
    std::int64_t end = files.empty() ? 0 : files.front()->from_offset();
    // Entries are written in order, so the written part of the last files
    // ends at the first unwritten entry.
    for (const auto& file : files) {
        std::int64_t position = 0;
        while (position < file->size() && is_written(decode(file->data() + position))) position += entry_size;
        end = file->from_offset() + position;
        if (position < file->size()) break;
    }
    // Drop entries whose records are not (or no longer) in the commit log.
    while (end > (files.empty() ? 0 : files.front()->from_offset())) {
        auto file = files_.find(end - entry_size);
        const auto e = decode(file->data() + (end - entry_size - file->from_offset()));
        if (!is_placeholder(e) && e.physical_offset + e.size <= commit_log_max) break;
        end -= entry_size;
    }
    files_.truncate(end);
    tail_ = nullptr;
    files_.set_flushed_offset(end);
    max_offset_.store(end / entry_size, std::memory_order_release);
    min_offset_.store(files.empty() ? 0 : files.front()->from_offset() / entry_size, std::memory_order_release);
    advance_min_offset(commit_log_min);
}

std::error_code consume_queue::put(std::int64_t queue_offset, const cq_entry& entry) {
    const std::int64_t max = max_offset();
    if (queue_offset < max) return {};
    const std::int64_t byte_offset = queue_offset * entry_size;
    if (max > 0 && queue_offset > max)
        store_log()->warn("consume queue {}/{} jumps from offset {} to {}; the gap reads as empty", topic_, queue_id_,
                          max, queue_offset);
    auto file = tail_for_append(byte_offset);
    if (!file) return file.error();
    // A queue that starts past zero (its head was deleted or never seen) or
    // a gap: pad with placeholder entries so entry n stays at byte n*20.
    std::int64_t position = (*file)->wrote_position();
    while ((*file)->from_offset() + position < byte_offset) {
        std::byte* p = (*file)->data() + position;
        store_be<std::int64_t>(p, 0);
        store_be<std::int32_t>(p + 8, placeholder_size);
        store_be<std::int64_t>(p + 12, 0);
        position += entry_size;
        if (position == (*file)->size()) {
            (*file)->set_wrote_position(position);
            file = tail_for_append(byte_offset);
            if (!file) return file.error();
            position = (*file)->wrote_position();
        }
    }
    std::byte* p = (*file)->data() + position;
    store_be<std::int64_t>(p, entry.physical_offset);
    store_be<std::int32_t>(p + 8, entry.size);
    store_be<std::int64_t>(p + 12, entry.tag_code);
    (*file)->set_wrote_position(position + entry_size);
    warming_.wrote(tail_, position + entry_size);
    if (max == 0) min_offset_.store(std::max(min_offset(), queue_offset), std::memory_order_release);
    max_offset_.store(queue_offset + 1, std::memory_order_release);
    return {};
}

result<mapped_file*> consume_queue::tail_for_append(std::int64_t byte_offset) {
    if (!tail_ || tail_->is_full()) {
        auto file = files_.last_file_for_append(byte_offset);
        if (!file) return file.error();
        tail_ = std::move(*file);
    }
    return tail_.get();
}

std::optional<cq_entry> consume_queue::get(std::int64_t queue_offset) const {
    cq_entry e;
    if (read(queue_offset, {&e, 1}) != 1) return std::nullopt;
    return e;
}

std::size_t consume_queue::read(std::int64_t from, std::span<cq_entry> out) const {
    const std::int64_t max = max_offset();
    if (from < min_offset() || from >= max) return 0;
    std::size_t n = 0;
    while (n < out.size() && from < max) {
        auto file = files_.find(from * entry_size);
        if (!file) break;
        std::int64_t position = from * entry_size - file->from_offset();
        for (; n < out.size() && from < max && position < file->size(); ++from, position += entry_size)
            out[n++] = decode(file->data() + position);
    }
    return n;
}

std::int64_t consume_queue::max_physical_end() const {
    const std::int64_t max = max_offset();
    if (max == 0 || max <= min_offset()) return 0;
    auto e = get(max - 1);
    return e ? e->physical_offset + e->size : 0;
}

void consume_queue::advance_min_offset(std::int64_t commit_log_min) {
    std::int64_t min = min_offset();
    const std::int64_t max = max_offset();
    cq_entry e;
    while (min < max && read(min, {&e, 1}) == 1 && (is_placeholder(e) || e.physical_offset < commit_log_min))
        ++min;
    min_offset_.store(min, std::memory_order_release);
}

int consume_queue::remove_expired(std::int64_t commit_log_min) {
    const int removed = files_.remove_head_files([&](const mapped_file& f) {
        const auto last = decode(f.data() + f.size() - entry_size);
        return f.is_full() && last.physical_offset + last.size <= commit_log_min;
    });
    if (auto first = files_.first_file())
        min_offset_.store(std::max(min_offset(), first->from_offset() / entry_size), std::memory_order_release);
    advance_min_offset(commit_log_min);
    return removed;
}

void consume_queue::remove_all() {
    files_.remove_all();
    tail_ = nullptr;
    min_offset_.store(0);
    max_offset_.store(0);
}

} // namespace gantry::store
