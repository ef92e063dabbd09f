#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "gantry/bridge/bridge.hpp"
#include "gantry/broker/broker_config.hpp"
#include "gantry/protocols/common/tls_context.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"
#include "name_server_link.hpp"
#include "network.hpp"
#include "gantry/security/access_control.hpp"
#include "gantry/security/acl.hpp"
#include "gantry/security/user_store.hpp"
#include "gantry/core/core_engine.hpp"
#include "gantry/store/message_store.hpp"

namespace gantry::broker {

// The composition root: owns every module of one gantryd process (the
// store, the engine, the protocol listeners) and starts and stops them in
// order. Used from main's thread only.
class application {
public:
    explicit application(broker_config config);
    ~application();
    application(const application&) = delete;
    application& operator=(const application&) = delete;

    // Prepares the data directory and starts the modules. Throws
    // startup_error naming the path or key at fault.
    void start();
    // Stops the modules in reverse order, flushing the store. Idempotent.
    void stop();
    // Rereads passwordFile, aclFile and the TLS listeners' files (for new
    // connections); one that does not load leaves the previous one in
    // force, with an error in the log.
    void reload_files();

private:
    void prepare_data_dir() const;
    // The effective configuration in one line, once the start succeeded, so
    // that a failed start leaves only its error on stderr.
    void log_started(std::chrono::milliseconds took) const;

    // A protocol's ports and the keys that set them (0: no such listener).
    struct listen_ports {
        std::int32_t plain;
        std::string_view plain_key;
        std::int32_t tls;
        std::string_view tls_key;
    };
    // "MQTT on host:port, MQTT over TLS on host:port", for the start-up line.
    std::string listeners_text(std::string_view protocol, const listen_ports& ports) const;
    // Starts the module's plain and TLS listeners whose ports are set.
    void listen(const std::shared_ptr<protocols::common::protocol_module>& module,
                const protocols::common::connection_limits& limits, const listen_ports& ports);

    void start_listeners();
    // The TLS listeners' context, made from tlsCertFile, tlsKeyFile and
    // tlsCaFile when the first one needs it; throws startup_error.
    std::shared_ptr<protocols::common::tls_server_context> tls_context();
    // Throws std::runtime_error naming the file that cannot be used.
    std::shared_ptr<asio::ssl::context> read_tls_files() const;
    // The MQTT module, restoring its persistent sessions; throws startup_error.
    void make_mqtt_module();
    // Bridges exist before the listeners (GET_BROKER_RUNTIME_INFO reports
    // them) and start after.
    void make_bridges();
    void start_bridges();
    std::map<std::string, std::string> runtime_info() const;
    // Loads passwordFile and aclFile; throws startup_error naming the file and line.
    void load_security();
    // The user store and ACL every protocol checks (null parts: not configured).
    security::access_control access_control() const;

    broker_config config_;
    std::shared_ptr<spdlog::logger> log_;
    // Declared first so it is destroyed last: engine completions hold timers
    // of its io_contexts until the engine is gone.
    std::unique_ptr<network> network_;
    std::unique_ptr<store::message_store> store_;
    std::unique_ptr<core::core_engine> engine_;
    std::unique_ptr<name_server_link> name_servers_;
    std::vector<std::unique_ptr<bridge::bridge>> bridges_;
    std::shared_ptr<protocols::mqtt::mqtt_module> mqtt_;
    security::user_store users_;
    security::acl acl_;
    std::shared_ptr<protocols::common::tls_server_context> tls_; // null: no TLS listener
    std::vector<std::string> websocket_subprotocols_; // for the start-up line
};

} // namespace gantry::broker
