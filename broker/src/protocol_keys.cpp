#include <initializer_list>
#include <string>
#include <utility>

#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/key_builders.hpp"
#include "gantry/protocols/mqtt/response_topic.hpp"

namespace gantry::broker {

namespace {

// The listener limits every protocol has (connection_limits.hpp), as
// `<prefix>maxConnections` and so on, checked together once all are read.
template <typename Limits>
void register_limit_keys(config_registry& registry, const std::string& group, const std::string& prefix,
                         Limits limits) {
    auto add = [&](config_key key) { registry.add(group, std::move(key)); };
    add(integer_key(
        prefix + "maxConnections", "Connections accepted at once; past it a new one is closed", between(1, 1'000'000),
        [limits](auto& c) -> auto& { return limits(c).max_connections; }));
    add(integer_key(
        prefix + "maxFrameSize", "Largest frame (packet) accepted, in bytes; a larger one closes the connection",
        between(64, 256 * 1024 * 1024), [limits](auto& c) -> auto& { return limits(c).max_frame_size; }));
    add(integer_key(
        prefix + "inputBudgetBytes", "Bytes read from one connection and not yet processed (at least maxFrameSize)",
        between(64, 512 * 1024 * 1024), [limits](auto& c) -> auto& { return limits(c).input_budget_bytes; }));
    add(integer_key(
        prefix + "outputBudgetBytes", "Bytes queued for one connection before it stops reading (back-pressure)",
        between(1024, 512 * 1024 * 1024), [limits](auto& c) -> auto& { return limits(c).output_budget_bytes; }));
    add(integer_key(
        prefix + "idleTimeout", "Close a connection that sent nothing for this long (ms; 0: never)",
        between(0, 24 * 3'600'000), [limits](auto& c) -> auto& { return limits(c).idle_timeout; }));
    add(integer_key(
        prefix + "flushTimeout", "How long a closing connection may take to send its last bytes (ms)",
        between(1, 600'000), [limits](auto& c) -> auto& { return limits(c).flush_timeout; }));
    registry.add_finisher([limits](broker_config& config) -> config_problem { return limits(config).validate(); });
}

// Caught before anything starts, with the keys to set.
config_problem check_tls_files(broker_config& config) {
    for (const auto& [port, key] : {std::pair{config.mqtt_tls_port, "mqttTlsPort"},
                                    std::pair{config.stomp_tls_port, "stompTlsPort"},
                                    std::pair{config.amqp_tls_port, "amqpTlsPort"},
                                    std::pair{config.websocket_tls_port, "websocketTlsPort"}}) {
        if (port != 0 && (config.tls_cert_file.empty() || config.tls_key_file.empty()))
            return std::string(key) +
                   " needs tlsCertFile and tlsKeyFile: the listener's certificate chain and private key (PEM)";
    }
    if (config.tls_require_client_certificate && config.tls_ca_file.empty())
        return "tlsRequireClientCertificate needs tlsCaFile: the authorities client certificates must chain to";
    return std::nullopt;
}

} // namespace

void register_protocol_keys(config_registry& registry) {
    auto security = [&](config_key key) { registry.add("Security", std::move(key)); };
    security(string_key(
        "passwordFile", "Users and password hashes, as mosquitto_passwd writes them; empty: no users",
        [](auto& c) -> auto& { return c.password_file; }));
    security(string_key(
        "aclFile", "Who may publish and subscribe to what, in mosquitto's acl_file format; empty: everyone, everything",
        [](auto& c) -> auto& { return c.acl_file; }));
    security(bool_key(
        "allowAnonymous", "Whether clients without a username (or with one no password file can verify) may connect",
        [](auto& c) -> auto& { return c.allow_anonymous; }));
    security(string_key(
        "tlsCertFile",
        "Certificate chain (PEM) the TLS listeners present; needed by mqttTlsPort, stompTlsPort, amqpTlsPort and websocketTlsPort",
        [](auto& c) -> auto& { return c.tls_cert_file; }));
    security(string_key(
        "tlsKeyFile", "Private key (PEM) of tlsCertFile", [](auto& c) -> auto& { return c.tls_key_file; }));
    security(string_key(
        "tlsCaFile",
        "Authorities (PEM) TLS clients' certificates must chain to; clients are asked for one when set (empty: none "
        "asked)",
        [](auto& c) -> auto& { return c.tls_ca_file; }));
    security(bool_key(
        "tlsRequireClientCertificate", "Whether a TLS client without a certificate from tlsCaFile is refused",
        [](auto& c) -> auto& { return c.tls_require_client_certificate; }));
    registry.add_finisher(check_tls_files);

    register_limit_keys(registry, "Native protocol (RocketMQ remoting)", "remoting.",
                        [](auto& c) -> auto& { return c.remoting_limits; });
    register_limit_keys(registry, "MQTT", "mqtt.", [](auto& c) -> auto& { return c.mqtt_limits; });

    auto add = [&](config_key key) { registry.add("MQTT", std::move(key)); };
    add(integer_key(
        "mqtt.serverKeepAlive", "Keep-alive (s) 5.0 clients are told to use; 0: accept the client's own",
        between(0, 65535), [](auto& c) -> auto& { return c.mqtt.server_keep_alive; }));
    add(integer_key(
        "mqtt.receiveMaximum", "QoS 1/2 publishes a client may have unacknowledged (announced in CONNACK)",
        between(1, 65535), [](auto& c) -> auto& { return c.mqtt.receive_maximum; }));
    add(integer_key(
        "mqtt.maximumQos", "Highest QoS granted and accepted (0, 1 or 2)", between(0, 2),
        [](auto& c) -> auto& { return c.mqtt.maximum_qos; }));
    add(bool_key(
        "mqtt.retainAvailable", "Whether RETAIN publishes become retained messages",
        [](auto& c) -> auto& { return c.mqtt.retain_available; }));
    add(integer_key(
        "mqtt.topicAliasMaximum",
        "Topic aliases each side may define: the client's, and the most the broker gives a 5.0 client that allows "
        "them (0: none)",
        between(0, 65535),
        [](auto& c) -> auto& { return c.mqtt.topic_alias_maximum; }));
    add(integer_key(
        "mqtt.maxInflightMessages", "QoS 1/2 deliveries awaiting acknowledgement per connection", between(1, 65535),
        [](auto& c) -> auto& { return c.mqtt.max_inflight_deliveries; }));
    add(integer_key(
        "mqtt.maxSubscriptions", "Subscriptions per connection", between(1, 100'000),
        [](auto& c) -> auto& { return c.mqtt.max_subscriptions; }));
    add(integer_key(
        "mqtt.deliveryAckTimeout",
        "An unacknowledged QoS 1/2 delivery is sent again after this long (ms); to 3.1.1 clients only (5.0: on resume)",
        between(1'000, 24 * 3'600'000), [](auto& c) -> auto& { return c.mqtt.delivery_ack_timeout; }));
    add(choice_key(
        "mqtt.qos0Overflow",
        "What a QoS 0 delivery does while its connection has more than mqtt.outputBudgetBytes waiting to be written: "
        "wait (in the log, like QoS 1/2) or drop (not sent, and counted)",
        {{"wait", protocols::mqtt::qos0_overflow_policy::wait}, {"drop", protocols::mqtt::qos0_overflow_policy::drop}},
        [](auto& c) -> auto& { return c.mqtt.qos0_overflow; }));
    add(integer_key(
        "mqtt.maxOfflineMessages",
        "Messages a persistent session keeps while its client is away; past it the oldest are skipped when the client "
        "returns, and counted (0: no limit but the log's retention)",
        between(0, 1'000'000'000'000), [](auto& c) -> auto& { return c.mqtt.max_offline_messages; }));
    add(integer_key(
        "mqtt.movePublishersBelowLoad",
        "A connection that only publishes moves to the io thread its topic's subscribers are on when that thread was "
        "busy less than this share (%) of the last 100 ms: lower latency at light load (0: never)",
        between(0, 100), [](auto& c) -> auto& { return c.mqtt.move_publishers_below_load; }));
    add(string_key(
        "mqtt.responseTopicPrefix",
        "Response Information a 5.0 client that requests it gets in CONNACK, each %c replaced by its client id: "
        "where it subscribes for responses (an aclFile must allow it); empty: none",
        [](auto& c) -> auto& { return c.mqtt.response_topic_prefix; }, protocols::mqtt::response_topic_prefix_problem));

    register_limit_keys(registry, "STOMP", "stomp.", [](auto& c) -> auto& { return c.stomp_limits; });
    auto stomp = [&](config_key key) { registry.add("STOMP", std::move(key)); };
    stomp(integer_key(
        "stomp.heartbeatSend", "How often the broker can send heart-beats (ms, offered in CONNECTED; 0: never)",
        between(0, 3'600'000), [](auto& c) -> auto& { return c.stomp.heartbeat_send; }));
    stomp(integer_key(
        "stomp.heartbeatReceive",
        "How often the broker wants heart-beats (ms, offered in CONNECTED; a client silent for twice the agreed "
        "interval is closed; 0: not wanted)",
        between(0, 3'600'000), [](auto& c) -> auto& { return c.stomp.heartbeat_receive; }));
    stomp(integer_key(
        "stomp.prefetch", "Unacknowledged messages per subscription unless it asks otherwise (activemq.prefetchSize)",
        between(1, 1'000'000), [](auto& c) -> auto& { return c.stomp.prefetch; }));
    stomp(integer_key(
        "stomp.maxPrefetch", "Largest prefetch a subscription may ask for", between(1, 1'000'000),
        [](auto& c) -> auto& { return c.stomp.max_prefetch; }));
    stomp(integer_key(
        "stomp.maxSubscriptions", "Subscriptions per connection", between(1, 100'000),
        [](auto& c) -> auto& { return c.stomp.max_subscriptions; }));
    stomp(integer_key(
        "stomp.maxPendingSends", "SENDs not yet stored per connection before it stops reading", between(1, 100'000),
        [](auto& c) -> auto& { return c.stomp.max_pending_sends; }));
    stomp(integer_key(
        "stomp.maxTransactions", "Open transactions per connection", between(1, 10'000),
        [](auto& c) -> auto& { return c.stomp.max_transactions; }));
    stomp(integer_key(
        "stomp.maxTransactionBytes", "Bytes one transaction may hold in memory until COMMIT", between(1024, 1 << 30),
        [](auto& c) -> auto& { return c.stomp.max_transaction_bytes; }));
    stomp(integer_key(
        "stomp.deliveryAckTimeout", "An unacknowledged MESSAGE goes back to its queue after this long (ms)",
        between(1'000, 24 * 3'600'000), [](auto& c) -> auto& { return c.stomp.delivery_ack_timeout; }));
    stomp(integer_key(
        "stomp.maxHeaders", "Headers one frame may carry", between(1, 100'000),
        [](auto& c) -> auto& { return c.stomp.max_header_count; }));
    stomp(integer_key(
        "stomp.maxHeaderLength", "Longest header line of a frame (bytes)", between(64, 1 << 20),
        [](auto& c) -> auto& { return c.stomp.max_header_length; }));
    stomp(string_key(
        "stomp.levelSeparator", "Separates the levels of a destination name: /topic/a.b is MQTT topic a/b",
        [](auto& c) -> auto& { return c.stomp_level_separator; }, [](const std::string& text) -> config_problem {
            if (text.size() != 1 || text == "/" || text == "*" || text == ">")
                return "must be one character other than '/', '*' and '>'";
            return std::nullopt;
        }));
    register_limit_keys(registry, "AMQP", "amqp.", [](auto& c) -> auto& { return c.amqp_limits; });
    auto amqp = [&](config_key key) { registry.add("AMQP", std::move(key)); };
    amqp(integer_key(
        "amqp.incomingWindow", "Credit given to each link a client sends on, refilled as messages are stored",
        between(1, 100'000), [](auto& c) -> auto& { return c.amqp.incoming_window; }));
    amqp(integer_key(
        "amqp.maxPrefetch", "Deliveries held ahead of a receiving link at most, whatever credit it gives",
        between(1, 1'000'000), [](auto& c) -> auto& { return c.amqp.max_prefetch; }));
    amqp(integer_key(
        "amqp.maxLinks", "Links per connection", between(1, 100'000),
        [](auto& c) -> auto& { return c.amqp.max_links; }));
    amqp(integer_key(
        "amqp.maxSessions", "Sessions per connection", between(1, 65'536),
        [](auto& c) -> auto& { return c.amqp.max_sessions; }));
    amqp(integer_key(
        "amqp.maxPendingAppends", "Messages not yet stored per connection before it stops reading",
        between(1, 1'000'000), [](auto& c) -> auto& { return c.amqp.max_pending_appends; }));
    amqp(integer_key(
        "amqp.maxTransactions", "Open transactions per connection", between(1, 10'000),
        [](auto& c) -> auto& { return c.amqp.max_transactions; }));
    amqp(integer_key(
        "amqp.maxTransactionBytes", "Bytes one transaction may hold in memory until it is discharged",
        between(1024, 1 << 30), [](auto& c) -> auto& { return c.amqp.max_transaction_bytes; }));
    amqp(integer_key(
        "amqp.deliveryAckTimeout", "An unsettled delivery goes back to its queue after this long (ms)",
        between(1'000, 24 * 3'600'000), [](auto& c) -> auto& { return c.amqp.delivery_ack_timeout; }));
    amqp(string_key(
        "amqp.defaultAddressKind", "What a bare address with no capability names: queue or topic",
        [](auto& c) -> auto& { return c.amqp_default_address_kind; }, [](const std::string& text) -> config_problem {
            if (text != "queue" && text != "topic") return "must be queue or topic";
            return std::nullopt;
        }));
    auto websocket = [&](config_key key) { registry.add("WebSocket", std::move(key)); };
    websocket(integer_key(
        "websocket.maxConnections",
        "Sockets open on websocketPort at once, WebSocket or plain HTTP, whatever the protocol; past it a new one "
        "is closed",
        between(1, 1'000'000), [](auto& c) -> auto& { return c.websocket.max_connections; }));
    websocket(integer_key(
        "websocket.idleTimeout",
        "A WebSocket connection that sends nothing for this long is closed (ms; 0: only the protocol's own "
        "idleTimeout). Each protocol's keep-alive applies too; its maxFrameSize is also the largest message",
        between(0, 24 * 3'600'000), [](auto& c) -> auto& { return c.websocket.idle_timeout; }));
    websocket(string_key(
        "websocket.staticDir",
        "Folder whose files GET requests on websocketPort are answered with (such as \"examples/browser\"; "
        "relative to the working directory); empty: none",
        [](auto& c) -> auto& { return c.websocket.static_dir; }));
}

} // namespace gantry::broker
