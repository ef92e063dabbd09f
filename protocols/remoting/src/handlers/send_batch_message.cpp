#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../remoting_mapping.hpp"
#include "gantry/engine/byte_order.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"
#include "send_message.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// One batch entry (spec 3.4): totalSize, magic, bodyCRC, flag, bodyLength,
// body, propertiesLength (i16), properties. Magic and CRC are ignored.
constexpr std::size_t entry_fixed_bytes = 4 + 4 + 4 + 4 + 4 + 2;
constexpr std::size_t flag_position = 12;
constexpr std::size_t body_length_position = 16;
// sysFlag transaction type bits (prepared 0x4, commit 0x8, rollback 0xC).
constexpr std::int32_t transaction_bits = 0xC;

struct batch_entry {
    std::int32_t flag = 0;
    std::string body;
    std::string properties;
};

struct decoded_batch {
    std::vector<batch_entry> entries;
    std::optional<std::string> error; // why the body is malformed
};

decoded_batch decode_batch(std::span<const std::byte> body) {
    decoded_batch out;
    std::size_t at = 0;
    auto fail = [&](std::string why) {
        out.error = "malformed batch entry " + std::to_string(out.entries.size()) + " at byte " +
                    std::to_string(at) + ": " + std::move(why);
        return std::move(out);
    };
    while (at < body.size()) {
        const auto left = body.size() - at;
        if (left < entry_fixed_bytes) return fail("shorter than an entry's fixed fields");
        const auto* p = body.data() + at;
        const auto total = load_be<std::int32_t>(p);
        if (total < static_cast<std::int32_t>(entry_fixed_bytes) || static_cast<std::size_t>(total) > left)
            return fail("totalSize " + std::to_string(total) + " outside the " + std::to_string(left) +
                        " bytes left");
        const auto body_length = load_be<std::int32_t>(p + body_length_position);
        const auto after_body = entry_fixed_bytes - 2 + static_cast<std::size_t>(std::max(body_length, 0));
        if (body_length < 0 || after_body + 2 > static_cast<std::size_t>(total))
            return fail("bodyLength " + std::to_string(body_length) + " past the entry's totalSize");
        const auto properties_length = load_be<std::int16_t>(p + after_body);
        if (properties_length < 0 || after_body + 2 + static_cast<std::size_t>(properties_length) >
                                         static_cast<std::size_t>(total))
            return fail("propertiesLength " + std::to_string(properties_length) + " past the entry's totalSize");
        batch_entry e;
        e.flag = load_be<std::int32_t>(p + flag_position);
        e.body.assign(reinterpret_cast<const char*>(p + entry_fixed_bytes - 2), static_cast<std::size_t>(body_length));
        e.properties.assign(reinterpret_cast<const char*>(p + after_body + 2),
                            static_cast<std::size_t>(properties_length));
        out.entries.push_back(std::move(e));
        at += static_cast<std::size_t>(total);
    }
    if (out.entries.empty()) out.error = "the batch holds no messages";
    return out;
}

// A property's value in a property string (name 0x01 value 0x02 ...).
std::optional<std::string_view> property(std::string_view properties, std::string_view name) {
    while (!properties.empty()) {
        const auto end = properties.find('\x02');
        const auto pair = properties.substr(0, end);
        const auto split = pair.find('\x01');
        if (split != std::string_view::npos && pair.substr(0, split) == name) return pair.substr(split + 1);
        if (end == std::string_view::npos) break;
        properties.remove_prefix(end + 1);
    }
    return std::nullopt;
}

// Java refuses delayed and transactional batches (CommitLog.asyncPutMessages).
std::optional<std::string> refusal(std::string_view properties) {
    if (const auto delay = property(properties, "DELAY")) {
        int level = 0;
        std::from_chars(delay->data(), delay->data() + delay->size(), level);
        if (level > 0) return "batch messages cannot be delayed (DELAY " + std::string(*delay) + ")";
    }
    if (property(properties, "TRAN_MSG") == "true") return std::string("batch messages cannot be transactional");
    return std::nullopt;
}

} // namespace

void send_batch(request_context ctx, engine::record_append header) {
    if (header.sys_flag & transaction_bits)
        return ctx.fail(response_code::message_illegal, "batch messages cannot be transactional");
    if (auto why = refusal(header.properties)) return ctx.fail(response_code::message_illegal, *why);
    auto batch = decode_batch(ctx.request().body);
    if (batch.error) return ctx.fail(response_code::message_illegal, *batch.error);

    std::vector<engine::record_append> records;
    records.reserve(batch.entries.size());
    for (auto& entry : batch.entries) {
        if (auto why = refusal(entry.properties)) return ctx.fail(response_code::message_illegal, *why);
        engine::record_append record = header;
        record.flag = entry.flag;
        record.body = std::move(entry.body);
        // The header's properties (and CLUSTER) go to every entry (spec 3.4).
        record.properties = std::move(entry.properties);
        if (!record.properties.empty() && !header.properties.empty() && record.properties.back() != '\x02')
            record.properties += '\x02';
        record.properties += header.properties;
        records.push_back(std::move(record));
    }
    ctx.engine().append_records(ctx.operation(), std::move(records),
                                [ctx](result<std::vector<engine::append_receipt>> stored) {
                                    if (!stored) return ctx.fail(to_response_code(stored.error()), stored.error().message());
                                    std::string ids;
                                    for (const auto& receipt : *stored) {
                                        if (!ids.empty()) ids += ',';
                                        ids += receipt.offset_message_id;
                                    }
                                    auto response = ctx.response(response_code::success);
                                    response.set_ext("msgId", ids);
                                    response.set_ext("queueId", std::to_string(stored->front().queue_id));
                                    response.set_ext("queueOffset", std::to_string(stored->front().queue_offset));
                                    response.set_ext("MSG_REGION", "DefaultRegion");
                                    response.set_ext("TRACE_ON", "true");
                                    ctx.respond(std::move(response));
                                });
}

void send_batch_message(request_context ctx) { send_with_keys(std::move(ctx), short_keys, true); }

} // namespace gantry::protocols::remoting::handlers
