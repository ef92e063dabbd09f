#include "gantry/store/commit_log_recovery.hpp"

#include "gantry/store/commit_log.hpp"
#include "store_log.hpp"

namespace gantry::store {

namespace {

enum class verdict { record, blank, dropped, end };

struct checked {
    verdict kind;
    std::int64_t size;
};

// A frame is sound when it decodes and claims the offset it lies at.
bool sound_frame_at(const mapped_file& file, std::int64_t position) {
    const auto bytes = file.view(position, file.size() - position);
    const auto probe = probe_record(bytes);
    if (probe.kind == record_kind::blank) return position + probe.size == file.size();
    if (probe.kind != record_kind::message) return false;
    return load_be<std::int64_t>(bytes.data() + 28) == file.from_offset() + position;
}

checked check_record(const mapped_file& file, std::int64_t position, bool check_crc) {
    const auto bytes = file.view(position, file.size() - position);
    const auto probe = probe_record(bytes);
    if (probe.kind == record_kind::blank)
        return {position + probe.size == file.size() ? verdict::blank : verdict::end, probe.size};
    if (probe.kind != record_kind::message) return {verdict::end, 0};
    const auto record = decode_record(bytes);
    if (record->physical_offset != file.from_offset() + position) return {verdict::end, 0};
    if (!check_crc || body_crc_matches(*record)) return {verdict::record, probe.size};
    const std::int64_t next = position + probe.size;
    const bool followed = next < file.size() && sound_frame_at(file, next);
    return {followed ? verdict::dropped : verdict::end, probe.size};
}

} // namespace

recovery_outcome recover_commit_log(commit_log& log, std::int64_t scan_from, bool check_crc) {
    recovery_outcome out;
    auto& files = log.files();
    auto file = files.find(scan_from);
    if (!file) file = files.first_file();
    if (!file) return out;
    std::int64_t end = file->from_offset();
    for (; file; file = files.find(file->from_offset() + file->size())) {
        std::int64_t position = 0;
        bool ended = false;
        while (position < file->size()) {
            const auto c = check_record(*file, position, check_crc);
            if (c.kind == verdict::end) {
                ended = true;
                break;
            }
            if (c.kind == verdict::dropped) {
                ++out.records_dropped;
                store_log()->error("record at commit-log offset {} fails its body CRC and is dropped; the records "
                              "around it are intact",
                              file->from_offset() + position);
            }
            if (c.kind == verdict::record) ++out.records_checked;
            position += c.size;
        }
        end = file->from_offset() + position;
        if (ended) break;
    }
    out.end_offset = end;
    files.truncate(end);
    return out;
}

} // namespace gantry::store
