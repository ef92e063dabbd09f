#include "start_position.hpp"

#include <charconv>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace gantry::tools {

std::optional<std::int64_t> parse_time_ms(const std::string& text) {
    std::int64_t ms = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (error == std::errc() && end == text.data() + text.size()) return ms;
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return std::nullopt;
    char rest = 0;
    if (in >> rest && (rest != 'Z' || in >> rest)) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

std::map<client::message_queue, std::int64_t> start_offsets(command_context& ctx, client::pull_consumer& reader,
                                                            const std::vector<client::message_queue>& queues,
                                                            const std::string& from) {
    const auto time = parse_time_ms(from);
    if (!time && from != "first" && from != "last" && from != "committed")
        throw command_error("--from wants first, last, committed or a time (ms or 2026-11-21T08:00:00Z), got '" +
                            from + "'");
    std::map<client::message_queue, std::int64_t> starts;
    for (const auto& mq : queues) {
        const auto what = "cannot read queue " + std::to_string(mq.queue_id) + " of " + mq.topic;
        std::int64_t offset = 0;
        if (time) {
            offset = ctx.take(reader.offset_at_time(mq, *time), what);
        } else if (from == "last") {
            offset = ctx.take(reader.max_offset(mq), what);
        } else {
            offset = from == "committed" ? ctx.take(reader.committed_offset(mq), what) : -1;
            if (offset < 0) offset = ctx.take(reader.min_offset(mq), what);
        }
        starts.emplace(mq, offset);
    }
    return starts;
}

} // namespace gantry::tools
