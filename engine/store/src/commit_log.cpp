#include "gantry/store/commit_log.hpp"

#include <vector>

#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/store_error.hpp"

namespace gantry::store {

commit_log::commit_log(const store_config& config, page_warmer* warmer)
    : config_(config), files_(config.commit_log_dir(), config.commit_log_file_size),
      warm_ahead_(warmer, config.commit_log_warm_ahead_bytes) {}

std::error_code commit_log::validate(const message_to_store& msg, std::int64_t size) const {
    if (msg.topic.empty() || msg.topic.size() > max_topic_length) return store_errc::topic_too_long;
    if (msg.properties.size() > max_properties_length) return store_errc::properties_too_long;
    if (msg.topic.find('\0') != std::string_view::npos || msg.properties.find('\0') != std::string_view::npos)
        return store_errc::nul_in_text;
    if (size > config_.max_message_size || size + blank_record_size > config_.commit_log_file_size)
        return store_errc::message_too_large;
    return {};
}

std::error_code commit_log::open_writable_segment() {
    if (!current_ || current_->is_full()) {
        auto file = files_.last_file_for_append(files_.max_offset());
        if (!file) return file.error();
        current_ = std::move(*file);
    }
    return {};
}

result<append_result> commit_log::append_locked(const message_to_store& msg, std::int64_t size, std::int32_t crc,
                                                std::int64_t now) {
    if (auto ec = open_writable_segment()) return ec;
    std::int64_t position = gathered_end();
    // A record never spans files and leaves room for the blank that ends one.
    if (position + size + blank_record_size > current_->size()) {
        encode_blank(gathered_.claim(blank_record_size), static_cast<std::int32_t>(current_->size() - position));
        if (auto ec = publish_gathered(current_->size())) return ec;
        current_->set_last_modified_ms(now);
        if (auto ec = open_writable_segment()) return ec;
        position = current_->wrote_position();
    } else if (gathered_.size() >= max_gathered_bytes) {
        if (auto ec = publish_gathered(position)) return ec;
    }

    append_result r;
    r.physical_offset = current_->from_offset() + position;
    r.size = static_cast<std::int32_t>(size);
    r.store_timestamp = now;
    if (takes_queue_offset(msg.sys_flag)) {
        auto it = queue_offsets_.find(topic_queue_ref{msg.topic, msg.queue_id});
        if (it == queue_offsets_.end())
            it = queue_offsets_.emplace(topic_queue_key{std::string(msg.topic), msg.queue_id}, 0).first;
        r.queue_offset = it->second++;
        gathered_offsets_.push_back(&it->second);
    }
    const record_stamp stamp{r.physical_offset, r.queue_offset, now, crc};
    encode_record(gathered_.claim(static_cast<std::size_t>(size)), msg, stamp, config_.store_host);
    last_store_timestamp_.store(now, std::memory_order_release);
    return r;
}

std::int64_t commit_log::gathered_end() const noexcept {
    return current_->wrote_position() + static_cast<std::int64_t>(gathered_.size());
}

std::error_code commit_log::publish_gathered(std::int64_t wrote_position) {
    const std::int64_t from = current_->wrote_position();
    std::error_code ec;
    if (from + static_cast<std::int64_t>(gathered_.size()) <= current_->mapped_writable_end())
        gathered_.copy_out(current_->data() + from);
    else
        ec = gathered_.write_out(current_->descriptor(), from);
    if (ec) {
        // Nothing of it is readable: the next appends take the same offsets.
        for (std::int64_t* next : gathered_offsets_) --*next;
    } else {
        current_->set_wrote_position(wrote_position);
        warm_ahead_.wrote(current_, wrote_position);
    }
    gathered_offsets_.clear();
    return ec;
}

result<append_result> commit_log::append(const message_to_store& msg) {
    const std::int64_t size = encoded_record_size(msg, config_.store_host);
    if (auto ec = validate(msg, size)) return ec;
    const std::int32_t crc = body_crc32(msg.body);
    std::lock_guard lock(append_mutex_);
    auto r = append_locked(msg, size, crc, engine::wall_clock_ms());
    if (!r) return r;
    if (auto ec = publish_gathered(gathered_end())) return ec;
    return r;
}

std::error_code commit_log::append_batch(std::span<const message_to_store> msgs, std::span<append_result> out) {
    std::vector<std::pair<std::int64_t, std::int32_t>> prepared;
    prepared.reserve(msgs.size());
    for (const auto& msg : msgs) {
        const std::int64_t size = encoded_record_size(msg, config_.store_host);
        if (auto ec = validate(msg, size)) return ec;
        prepared.emplace_back(size, body_crc32(msg.body));
    }
    std::lock_guard lock(append_mutex_);
    const std::int64_t now = engine::wall_clock_ms();
    std::error_code ec;
    for (std::size_t i = 0; i < msgs.size() && !ec; ++i) {
        auto r = append_locked(msgs[i], prepared[i].first, prepared[i].second, now);
        if (r) out[i] = *r;
        else ec = r.error();
    }
    // A failed append_locked has already given back what it had gathered.
    if (!ec) ec = publish_gathered(gathered_end());
    return ec;
}

std::optional<record_ref> commit_log::read(std::int64_t offset, std::int32_t size) const {
    auto file = files_.find(offset);
    if (!file || size <= 0) return std::nullopt;
    const std::int64_t position = offset - file->from_offset();
    if (position + size > file->wrote_position()) return std::nullopt;
    return record_ref{file, file->view(position, size)};
}

std::optional<record_ref> commit_log::read_next(std::int64_t& offset) const {
    for (;;) {
        auto file = files_.find(offset);
        if (!file) return std::nullopt;
        const std::int64_t position = offset - file->from_offset();
        const std::int64_t readable = file->wrote_position() - position;
        if (readable < blank_record_size) return std::nullopt;
        const auto probe = probe_record(file->view(position, readable));
        if (probe.kind == record_kind::blank) {
            offset = file->from_offset() + file->size();
            continue;
        }
        if (probe.kind == record_kind::invalid) return std::nullopt;
        return record_ref{file, file->view(position, probe.size)};
    }
}

void commit_log::resume_appends(topic_queue_map<std::int64_t> offsets) {
    std::lock_guard lock(append_mutex_);
    queue_offsets_ = std::move(offsets);
    current_ = nullptr;
}

std::int64_t commit_log::next_queue_offset(std::string_view topic, std::int32_t queue_id) const {
    std::lock_guard lock(append_mutex_);
    auto it = queue_offsets_.find(topic_queue_ref{topic, queue_id});
    return it == queue_offsets_.end() ? 0 : it->second;
}

std::int64_t commit_log::forget_topic(std::string_view topic) {
    std::lock_guard lock(append_mutex_);
    std::erase_if(queue_offsets_, [&](const auto& entry) { return entry.first.topic == topic; });
    return files_.max_offset();
}

} // namespace gantry::store
