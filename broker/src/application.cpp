#include "application.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gantry/broker/startup_error.hpp"
#include "gantry/protocols/common/tls_context.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"
#include "gantry/protocols/amqp/amqp_module.hpp"
#include "gantry/protocols/stomp/stomp_module.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"
#include "gantry/store/consume_queue.hpp"
#include "gantry/store/store_error.hpp"
#include "allocator.hpp"

namespace gantry::broker {

namespace {

std::string human_size(std::int64_t bytes) {
    constexpr std::int64_t kib = 1024;
    if (bytes % (kib * kib * kib) == 0) {
        return fmt::format("{} GiB", bytes / (kib * kib * kib));
    }
    if (bytes % (kib * kib) == 0) {
        return fmt::format("{} MiB", bytes / (kib * kib));
    }
    if (bytes % kib == 0) {
        return fmt::format("{} KiB", bytes / kib);
    }
    return fmt::format("{} bytes", bytes);
}

} // namespace

application::application(broker_config config) : config_(std::move(config)), log_(spdlog::get("broker")) {
    if (!log_) {
        log_ = spdlog::default_logger();
    }
}

application::~application() {
    stop();
}

void application::start() {
    const auto began = std::chrono::steady_clock::now();
    prepare_data_dir();

    store_ = std::make_unique<store::message_store>(config_.store);
    // The engine installs the store's arrival listener, so it exists first.
    engine_ = std::make_unique<core::core_engine>(*store_, config_.engine);
    const auto& root = config_.store.root_dir;
    if (const auto error = store_->start(); error == store::store_errc::locked) {
        throw startup_error(fmt::format("data directory '{}' is locked by another running gantryd ({} is held); "
                                        "stop it or give this broker another storePathRootDir",
                                        root.string(), config_.store.lock_path().string()));
    } else if (error) {
        throw startup_error(fmt::format("cannot start the message store in '{}' (storePathRootDir): {}", root.string(),
                                        error.message()));
    }
    if (const auto error = engine_->start()) {
        throw startup_error(fmt::format("cannot start the engine over '{}' (storePathRootDir): {}", root.string(),
                                        error.message()));
    }
    load_security();
    start_listeners();
    start_bridges();
    log_started(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began));
}

void application::start_listeners() {
    network_ = std::make_unique<network>(static_cast<std::size_t>(config_.io_threads));
    protocols::remoting::broker_identity identity{config_.broker_name, config_.broker_cluster_name,
                                                  config_.broker_ip1 + ":" + std::to_string(config_.listen_port)};
    name_servers_ = std::make_unique<name_server_link>(config_, *engine_, identity);
    make_bridges();
    // Before the native listener, whose runtime info reports the module's counters.
    if (config_.mqtt_port != 0 || config_.mqtt_tls_port != 0) make_mqtt_module();
    auto remoting = std::make_shared<protocols::remoting::remoting_module>(
        *engine_, std::move(identity), name_servers_->access(), [this] { return runtime_info(); });
    listen(remoting, config_.remoting_limits, {config_.listen_port, "listenPort", 0, {}});
    // The WebSocket listener serves the very module objects the TCP listeners use.
    std::vector<protocols::websocket::websocket_route> websocket_routes;
    if (mqtt_) {
        websocket_routes.push_back({mqtt_, config_.mqtt_limits});
        listen(mqtt_, config_.mqtt_limits, {config_.mqtt_port, "mqttPort", config_.mqtt_tls_port, "mqttTlsPort"});
    }
    if (config_.stomp_port != 0 || config_.stomp_tls_port != 0) {
        auto options = config_.stomp;
        options.level_separator = config_.stomp_level_separator.front();
        auto stomp = std::make_shared<protocols::stomp::stomp_module>(*engine_, options, access_control());
        websocket_routes.push_back({stomp, config_.stomp_limits});
        listen(stomp, config_.stomp_limits,
               {config_.stomp_port, "stompPort", config_.stomp_tls_port, "stompTlsPort"});
    }
    if (config_.amqp_port != 0 || config_.amqp_tls_port != 0) {
        auto options = config_.amqp;
        options.max_message_size = config_.store.max_message_size;
        // Announced in OPEN: proton closes a peer silent for this long; the listener's timer is the backstop.
        options.idle_timeout = config_.amqp_limits.idle_timeout;
        options.bare_address_is_topic = config_.amqp_default_address_kind == "topic";
        auto amqp = std::make_shared<protocols::amqp::amqp_module>(*engine_, options, access_control());
        websocket_routes.push_back({amqp, config_.amqp_limits});
        listen(amqp, config_.amqp_limits, {config_.amqp_port, "amqpPort", config_.amqp_tls_port, "amqpTlsPort"});
    }
    auto websocket = config_.websocket;
    websocket.host = config_.listen_host;
    if (config_.websocket_tls_port != 0) {
        auto secure = websocket;
        secure.port = static_cast<std::uint16_t>(config_.websocket_tls_port);
        secure.tls = tls_context();
        secure.port_key = "websocketTlsPort";
        websocket_subprotocols_ = network_->listen_websocket(websocket_routes, std::move(secure));
    }
    if (config_.websocket_port != 0) {
        websocket.port = static_cast<std::uint16_t>(config_.websocket_port);
        websocket_subprotocols_ = network_->listen_websocket(std::move(websocket_routes), std::move(websocket));
    }
    name_servers_->start();
}

void application::listen(const std::shared_ptr<protocols::common::protocol_module>& module,
                         const protocols::common::connection_limits& limits, const listen_ports& ports) {
    if (ports.plain != 0)
        network_->listen(module, {config_.listen_host, static_cast<std::uint16_t>(ports.plain), limits, nullptr,
                                  std::string(ports.plain_key)});
    if (ports.tls != 0)
        network_->listen(module, {config_.listen_host, static_cast<std::uint16_t>(ports.tls), limits, tls_context(),
                                  std::string(ports.tls_key)});
}

std::shared_ptr<asio::ssl::context> application::read_tls_files() const {
    return protocols::common::make_tls_server_context(
        {config_.tls_ca_file, config_.tls_cert_file, config_.tls_key_file}, config_.tls_require_client_certificate);
}

std::shared_ptr<protocols::common::tls_server_context> application::tls_context() {
    if (!tls_) {
        try {
            tls_ = std::make_shared<protocols::common::tls_server_context>(read_tls_files());
        } catch (const std::runtime_error& error) {
            throw startup_error(fmt::format("{} (tlsCertFile, tlsKeyFile, tlsCaFile)", error.what()));
        }
    }
    return tls_;
}

void application::make_mqtt_module() {
    auto options = config_.mqtt;
    options.maximum_packet_size = static_cast<std::uint32_t>(config_.mqtt_limits.max_frame_size);
    const auto session_file = config_.store.root_dir / "config" / "mqttSessions.json";
    // A SUBACK leaves with its session change as durable as the messages are.
    const bool sync = config_.store.flush_type == store::flush_disk_type::sync_flush;
    mqtt_ = std::make_shared<protocols::mqtt::mqtt_module>(*engine_, options, access_control(),
                                                           protocols::mqtt::mqtt_session_storage{session_file, sync});
    if (const auto error = mqtt_->restore_sessions(network_->client_executor()))
        throw startup_error(fmt::format("cannot read the MQTT persistent sessions from '{}' and its journal "
                                        "mqttSessions.journal: {}; move the files (mqttSessions.*) away to start "
                                        "without them",
                                        session_file.string(), error.message()));
}

void application::make_bridges() {
    for (const auto& config : config_.bridges) {
        try {
            bridges_.push_back(std::make_unique<bridge::bridge>(network_->client_executor(), *engine_, config));
        } catch (const std::runtime_error& error) {
            throw startup_error(fmt::format("bridge '{}': {}", bridge::connection_of(config).name, error.what()));
        }
    }
}

void application::start_bridges() {
    for (std::size_t i = 0; i < bridges_.size(); ++i) {
        const auto& config = config_.bridges[i];
        const auto& connection = bridge::connection_of(config);
        log_->info("bridge '{}' to {} over {}", connection.name, fmt::join(connection.addresses, ", "),
                   std::holds_alternative<bridge::mqtt_bridge_config>(config) ? "MQTT" : "AMQP 1.0");
        bridges_[i]->start();
    }
}

std::map<std::string, std::string> application::runtime_info() const {
    std::map<std::string, std::string> table;
    for (const auto& bridge : bridges_) bridge::add_runtime_info(bridge->status(), table);
    if (mqtt_) mqtt_->add_runtime_info(table);
    return table;
}

security::access_control application::access_control() const {
    return {config_.password_file.empty() && config_.allow_anonymous ? nullptr : &users_,
            config_.acl_file.empty() ? nullptr : &acl_};
}

void application::load_security() {
    users_.set_allow_anonymous(config_.allow_anonymous);
    if (!config_.password_file.empty()) {
        if (auto error = users_.load(config_.password_file))
            throw startup_error(error->message + " (passwordFile)");
    }
    if (!config_.acl_file.empty()) {
        if (auto error = acl_.load(config_.acl_file)) throw startup_error(error->message + " (aclFile)");
    }
}

void application::reload_files() {
    const auto reload = [this](auto& table, const std::filesystem::path& path, std::string_view key) {
        if (path.empty()) return;
        if (auto error = table.reload())
            log_->error("{} ({}): not reloaded, the previous file stays in force; correct it and send SIGHUP again",
                        error->message, key);
        else
            log_->info("reloaded {} ({})", path.string(), key);
    };
    if (config_.password_file.empty() && config_.acl_file.empty() && !tls_)
        log_->info("nothing to reload: no passwordFile, aclFile or TLS listener is configured");
    reload(users_, config_.password_file, "passwordFile");
    reload(acl_, config_.acl_file, "aclFile");
    if (!tls_) return;
    try {
        tls_->replace(read_tls_files());
        log_->info("reloaded the TLS certificate {} (tlsCertFile) for new connections", config_.tls_cert_file);
    } catch (const std::runtime_error& error) {
        log_->error("{} (tlsCertFile, tlsKeyFile, tlsCaFile): not reloaded, the previous certificate stays in force; "
                    "correct it and send SIGHUP again",
                    error.what());
    }
}

void application::stop() {
    // Connections go first, then the engine; the store's dispatcher calls
    // into the engine until the store is shut down, so neither is destroyed
    // before both have stopped.
    // Name servers hear first, so clients stop routing here; long polls are
    // answered, so no io thread waits out a client's suspend timeout.
    if (name_servers_) name_servers_->stop();
    if (engine_) engine_->stop_holding_reads();
    // Bridges end their engine subscriptions on the io threads, before those
    // stop; the objects stay until then, since connections may still ask
    // for their status.
    for (auto& bridge : bridges_) bridge->stop();
    if (mqtt_) mqtt_->stop();
    if (network_) network_->stop();
    bridges_.clear();
    if (engine_) engine_->stop();
    if (store_) store_->shutdown();
    name_servers_.reset();
    engine_.reset();
    store_.reset();
}

void application::prepare_data_dir() const {
    const auto& root = config_.store.root_dir;
    std::error_code error;
    std::filesystem::create_directories(root, error);
    if (error) {
        throw startup_error(
            fmt::format("cannot create data directory '{}' (storePathRootDir): {}", root.string(), error.message()));
    }
    if (!std::filesystem::is_directory(root, error)) {
        throw startup_error(fmt::format("data directory '{}' (storePathRootDir) is not a directory", root.string()));
    }
    if (::access(root.c_str(), W_OK | X_OK) != 0) {
        throw startup_error(fmt::format("data directory '{}' (storePathRootDir) is not writable: {}", root.string(),
                                        std::generic_category().message(errno)));
    }
}

std::string application::listeners_text(std::string_view protocol, const listen_ports& ports) const {
    auto text = ports.plain != 0 ? fmt::format("{} on {}:{}", protocol, config_.listen_host, ports.plain)
                                 : fmt::format("no {} listener ({} 0)", protocol, ports.plain_key);
    if (ports.tls != 0) text += fmt::format(", {} over TLS on {}:{}", protocol, config_.listen_host, ports.tls);
    return text;
}

void application::log_started(std::chrono::milliseconds took) const {
    const auto& store = config_.store;
    std::error_code error;
    auto data_dir = std::filesystem::absolute(store.root_dir, error);
    if (error) {
        data_dir = store.root_dir;
    }
    log_->info("{} of cluster {} started in {} ms: RocketMQ remoting on {}:{}, {}, {}, {}, {}, data directory {}, {}, "
               "commit-log segments of {}, consume-queue files of {} entries, store host {}:{}, memory allocator {}",
               config_.broker_name, config_.broker_cluster_name, took.count(), config_.listen_host,
               config_.listen_port,
               listeners_text("MQTT", {config_.mqtt_port, "mqttPort", config_.mqtt_tls_port, "mqttTlsPort"}),
               listeners_text("STOMP", {config_.stomp_port, "stompPort", config_.stomp_tls_port, "stompTlsPort"}),
               listeners_text("AMQP", {config_.amqp_port, "amqpPort", config_.amqp_tls_port, "amqpTlsPort"}),
               listeners_text("WebSocket", {config_.websocket_port, "websocketPort", config_.websocket_tls_port,
                                            "websocketTlsPort"}) +
                   (websocket_subprotocols_.empty()
                        ? std::string()
                        : fmt::format(" ({})", fmt::join(websocket_subprotocols_, ", "))),
               data_dir.lexically_normal().string(),
               store.flush_type == store::flush_disk_type::sync_flush ? "SYNC_FLUSH" : "ASYNC_FLUSH",
               human_size(store.commit_log_file_size), store.consume_queue_file_size / store::consume_queue::entry_size,
               config_.broker_ip1, config_.listen_port, allocator_in_use());
}

} // namespace gantry::broker
