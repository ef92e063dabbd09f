#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/remoting/remoting_codec.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"
#include "gantry/protocols/remoting/self_registration.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/store/message_record.hpp"
#include "../../../support/loopback_stream.hpp"
#include "../../common/engine_listener_fixture.hpp"

namespace gantry::protocols::remoting::test {

using namespace std::chrono_literals;

// A blocking RocketMQ client over loopback. Every wait has a deadline, so a
// broken broker fails a test instead of hanging it.
class remoting_client {
public:
    using clock = std::chrono::steady_clock;

    explicit remoting_client(std::uint16_t port) : stream_(port) {}

    bool connected() const { return stream_.connected(); }

    // A request with the next opaque; `fields` as the extFields.
    remoting_command request(std::int32_t code, ext_field_map fields, std::string_view body = {}) {
        remoting_command c;
        c.code = code;
        c.opaque = next_opaque_++;
        c.ext_fields = std::move(fields);
        c.body.assign(reinterpret_cast<const std::byte*>(body.data()),
                      reinterpret_cast<const std::byte*>(body.data()) + body.size());
        return c;
    }

    bool send(const remoting_command& command) {
        auto frame = codec_.encode(command);
        return frame && send_raw(*frame);
    }

    bool send_raw(const std::vector<std::byte>& data) { return stream_.write(data); }

    // The next frame; nothing on timeout or when the stream ended.
    std::optional<remoting_command> receive(std::chrono::milliseconds timeout = 5s) {
        const auto deadline = clock::now() + timeout;
        for (;;) {
            const auto& input = stream_.buffered();
            auto decoded = codec_.decode(input);
            if (decoded.status == decode_status::complete) {
                last_frame_.assign(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(decoded.consumed));
                stream_.take(decoded.consumed);
                return std::move(decoded.command);
            }
            if (decoded.status == decode_status::error ||
                stream_.read_before(deadline) != testing::loopback_stream::read_outcome::progress)
                return std::nullopt;
        }
    }

    // Sends and waits for the response.
    std::optional<remoting_command> call(const remoting_command& command, std::chrono::milliseconds timeout = 5s) {
        if (!send(command)) return std::nullopt;
        return receive(timeout);
    }

    // True once the broker ended the stream within `timeout`.
    bool closed_within(std::chrono::milliseconds timeout) { return stream_.closed_before(clock::now() + timeout); }

    // The raw bytes of the frame receive() returned last.
    const std::vector<std::byte>& last_frame() const { return last_frame_; }

private:
    testing::loopback_stream stream_;
    remoting_codec codec_;
    std::vector<std::byte> last_frame_;
    std::int32_t next_opaque_ = 1;
};

inline std::string body_text(const remoting_command& c) {
    return {reinterpret_cast<const char*>(c.body.data()), c.body.size()};
}

// The extField `key` of `c`, or "<missing>".
inline std::string ext(const remoting_command& c, std::string_view key) {
    const auto* value = c.find_ext(key);
    return value ? *value : std::string("<missing>");
}

// The stored records of a pull or QUERY_MESSAGE body.
inline std::vector<store::decoded_record> records_of(const remoting_command& pulled) {
    std::vector<store::decoded_record> out;
    std::span<const std::byte> rest(pulled.body);
    while (!rest.empty()) {
        auto record = store::decode_record(rest);
        if (!record || record->total_size <= 0) break;
        rest = rest.subspan(static_cast<std::size_t>(record->total_size));
        out.push_back(std::move(*record));
    }
    return out;
}

// Sends and returns the response, skipping the broker's own requests
// (NOTIFY_CONSUMER_IDS_CHANGED, RESET_CONSUMER_CLIENT_OFFSET) that may arrive first.
inline std::optional<remoting_command> call(remoting_client& client, const remoting_command& request) {
    if (!client.send(request)) return std::nullopt;
    for (;;) {
        auto frame = client.receive();
        if (!frame || (frame->is_response() && frame->opaque == request.opaque)) return frame;
    }
}

// The next request of `code` the broker sends within `timeout`.
inline std::optional<remoting_command> next_request(remoting_client& client, std::int32_t code,
                                                    std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto frame = client.receive(left);
        if (!frame) return std::nullopt;
        if (!frame->is_response() && frame->code == code) return frame;
    }
}

// A push consumer's HeartbeatData (spec 4.1): `client_id` consumes `topic`
// in `group` with a tag expression, in `model` (CLUSTERING or BROADCASTING).
inline std::string consumer_heartbeat(const std::string& client_id, const std::string& group, const std::string& topic,
                                      const std::string& expression = "*", const std::string& model = "CLUSTERING") {
    return R"({"clientID":")" + client_id +
           R"(","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY",)"
           R"("groupName":")" + group + R"(","messageModel":")" + model +
           R"(","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":")" +
           expression + R"(","subVersion":1690000000123,"tagsSet":[],"topic":")" + topic +
           R"("}],"unitMode":false}],"producerDataSet":[]})";
}

// A real store and engine on a temporary directory, behind a remoting
// listener on 127.0.0.1 with two io threads.
class remoting_broker_fixture : public common::testing::engine_listener_fixture {
protected:
    void SetUp() override {
        engine_listener_fixture::SetUp();
        if (HasFatalFailure()) return;
        // One-process mode, as gantryd runs without namesrvAddr.
        module_ = std::make_shared<remoting_module>(
            *engine_, broker_identity{}, name_server_access{&name_server_, [this](std::function<void()> done) {
                name_server_.register_broker(self_registration(engine_->list_topics(), broker_identity{}));
                done();
            }});
        serve(module_, module_->default_limits());
    }

    std::uint16_t port() const { return listener_->port(); }

    // A SEND_MESSAGE_V2 request to queue 0 of `topic`.
    static remoting_command send_v2(remoting_client& client, const std::string& topic, std::string_view body,
                                    std::string properties = {}) {
        return client.request(request_code::send_message_v2,
                              {{"a", "producer"}, {"b", topic}, {"c", "TBW102"}, {"d", "4"}, {"e", "0"},
                               {"f", "0"}, {"g", "1700000000000"}, {"h", "0"}, {"i", std::move(properties)}},
                              body);
    }

    // Acknowledged sends reach the consume queue a moment later (as in Java):
    // waits until GET_MAX_OFFSET of queue 0 shows `count` messages.
    static bool wait_for_max_offset(remoting_client& client, const std::string& topic, std::int64_t count) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto answer = client.call(client.request(request_code::get_max_offset, {{"topic", topic}, {"queueId", "0"}}));
            if (!answer) return false;
            const auto* offset = answer->find_ext("offset");
            if (offset && *offset == std::to_string(count)) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }

    static remoting_command pull(remoting_client& client, const std::string& topic, std::int64_t offset,
                                 std::int32_t sys_flag = 4, std::int64_t suspend_ms = 0) {
        return client.request(request_code::pull_message,
                              {{"consumerGroup", "group"},
                               {"topic", topic},
                               {"queueId", "0"},
                               {"queueOffset", std::to_string(offset)},
                               {"maxMsgNums", "32"},
                               {"sysFlag", std::to_string(sys_flag)},
                               {"commitOffset", "0"},
                               {"suspendTimeoutMillis", std::to_string(suspend_ms)},
                               {"subscription", "*"},
                               {"subVersion", "0"}});
    }

    namesrv::name_server name_server_;
    std::shared_ptr<remoting_module> module_;
};

} // namespace gantry::protocols::remoting::test
