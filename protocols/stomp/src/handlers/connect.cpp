// CONNECT and STOMP (1.2 "Connecting"): version negotiation through
// accept-version, login/passcode against the user store, the client-id
// durable subscriptions are named by, heart-beating both ways, CONNECTED.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "gantry/security/security_error.hpp"

#include "../stomp_log.hpp"
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

namespace {

constexpr std::string_view supported_versions = "1.0,1.1,1.2";

// The highest version both sides speak; a CONNECT without accept-version is 1.0.
std::optional<stomp_version> negotiate(const std::string* accept_version) {
    if (!accept_version) return stomp_version::v1_0;
    std::optional<stomp_version> best;
    std::string_view list = *accept_version;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto item = list.substr(0, comma);
        for (const auto v : {stomp_version::v1_0, stomp_version::v1_1, stomp_version::v1_2})
            if (item == version_name(v) && (!best || v > *best)) best = v;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return best;
}

// "cx,cy": the client's send interval and wanted receive interval, in ms.
std::optional<std::pair<std::int64_t, std::int64_t>> parse_heartbeat(std::string_view text) {
    const auto comma = text.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    std::int64_t cx = 0;
    std::int64_t cy = 0;
    const auto a = text.substr(0, comma);
    const auto b = text.substr(comma + 1);
    auto [ea, erra] = std::from_chars(a.data(), a.data() + a.size(), cx);
    auto [eb, errb] = std::from_chars(b.data(), b.data() + b.size(), cy);
    if (erra != std::errc{} || errb != std::errc{} || ea != a.data() + a.size() || eb != b.data() + b.size() ||
        cx < 0 || cy < 0)
        return std::nullopt;
    return std::pair{cx, cy};
}

std::string random_client_id(std::string_view session) { return fmt::format("stomp-{}", session); }

} // namespace

void stomp_session::handle_connect(const stomp_frame& frame) {
    const auto version = negotiate(frame.header("accept-version"));
    if (!version) {
        // 1.2 "Protocol Negotiation": ERROR with the versions the server speaks.
        closing_ = true;
        close_reason_ = "no common STOMP version";
        stomp_frame error;
        error.command = stomp_command::error;
        error.add("version", std::string(supported_versions));
        error.add("message", "Supported protocol versions are " + std::string(supported_versions));
        error.add("content-type", "text/plain");
        error.body = "the client accepts only '" + *frame.header("accept-version") + "'";
        send(error);
        stomp_log()->warn("refusing STOMP connection from {}: it accepts only versions '{}'", remote_address_,
                          *frame.header("accept-version"));
        return;
    }
    version_ = *version;
    const auto* login = frame.header("login");
    const auto* passcode = frame.header("passcode");
    if (access_.users) {
        auto who_connects = access_.users->authenticate(login ? std::optional<std::string_view>(*login) : std::nullopt,
                                                        passcode ? std::string_view(*passcode) : std::string_view{});
        if (!who_connects) {
            const bool anonymous = who_connects.error() == security::security_errc::anonymous_not_allowed;
            return fail(anonymous ? "anonymous clients are not allowed" : "bad login or passcode",
                        anonymous ? std::string("send login and passcode headers (allowAnonymous is off)")
                                  : "user '" + (login ? *login : std::string()) + "': " +
                                        who_connects.error().message(),
                        &frame);
        }
        principal_ = std::move(*who_connects);
    }
    const auto* heartbeat = frame.header("heart-beat");
    std::pair<std::int64_t, std::int64_t> client_heartbeat{0, 0};
    if (heartbeat && version_ != stomp_version::v1_0) {
        const auto parsed = parse_heartbeat(*heartbeat);
        if (!parsed) return fail("malformed heart-beat header", "expected two numbers: 'cx,cy'", &frame);
        client_heartbeat = *parsed;
    }
    const auto* client_id = frame.header("client-id");
    client_named_ = client_id && !client_id->empty();
    client_id_ = client_named_ ? *client_id : random_client_id(session_id_);
    connected_ = true;

    stomp_frame connected;
    connected.command = stomp_command::connected;
    connected.add("version", std::string(version_name(version_)));
    connected.add("server", "Gantry/" GANTRY_VERSION);
    connected.add("session", client_id_);
    if (version_ != stomp_version::v1_0)
        connected.add("heart-beat", fmt::format("{},{}", options_.heartbeat_send.count(),
                                                options_.heartbeat_receive.count()));
    send(connected);
    start_heartbeats(client_heartbeat.first, client_heartbeat.second);
    stomp_log()->debug("STOMP {} connected (STOMP {}{})", who(), version_name(version_),
                       principal_.username ? ", user '" + *principal_.username + "'" : std::string());
}

void stomp_session::start_heartbeats(std::int64_t client_send, std::int64_t client_receive) {
    // 1.2 "Heart-beating": each side sends at the larger of what it can do
    // and what the other wants; zero on either side turns a direction off.
    const auto server_send = options_.heartbeat_send.count();
    const auto server_receive = options_.heartbeat_receive.count();
    const auto incoming = client_send > 0 && server_receive > 0 ? std::max(client_send, server_receive) : 0;
    const auto outgoing = server_send > 0 && client_receive > 0 ? std::max(server_send, client_receive) : 0;
    // A silent client is given twice its interval (network delays) before
    // the connection closes; without heart-beats a connected client may stay
    // silent (a subscriber waiting for messages).
    conn_.set_idle_timeout(std::chrono::milliseconds(incoming * 2));
    heartbeat_interval_ = std::chrono::milliseconds(outgoing);
    if (outgoing > 0) send_heartbeat();
}

void stomp_session::send_heartbeat() {
    heartbeat_timer_.expires_after(heartbeat_interval_);
    heartbeat_timer_.async_wait([weak = conn_.weak_from_this(), this](const common::byte_stream::error_code& ec) {
        auto alive = weak.lock();
        if (ec || !alive || closed_ || closing_) return;
        // Any frame counts as a heart-beat; an EOL only when nothing else went out.
        if (!sent_since_heartbeat_) conn_.send(std::string("\n"));
        sent_since_heartbeat_ = false;
        send_heartbeat();
    });
}

} // namespace gantry::protocols::stomp
