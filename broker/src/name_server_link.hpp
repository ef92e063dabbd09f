#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gantry/broker/broker_config.hpp"
#include "gantry/core/core_engine.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"

namespace gantry::broker {

// How gantryd makes itself known to name servers.
//
// One-process mode (namesrvAddr empty): it embeds a name server, answered on
// the broker's own port, and registers there in-process, brought up to date
// before every name-server answer.
//
// Otherwise it registers with every configured name server at start, every
// registerNameServerPeriod, within a second of a topic change and at once
// when a request that created a topic asks for it before its answer (as
// Java does), and unregisters at stop. The registration runs on a client
// runtime of its own, so a slow or absent name server never holds up an io
// thread.
class name_server_link {
public:
    name_server_link(const broker_config& config, core::core_engine& engine,
                     protocols::remoting::broker_identity identity);
    ~name_server_link();
    name_server_link(const name_server_link&) = delete;
    name_server_link& operator=(const name_server_link&) = delete;

    // What the remoting module keeps name servers current with (and, in
    // one-process mode, answers name-server requests with).
    protocols::remoting::name_server_access access();

    void start();
    // Unregisters (waiting up to the request timeout) and stops. Idempotent.
    void stop();

private:
    struct remote_state;

    void publish_topics(std::function<void()> done);
    void refresh_embedded();
    void tick();
    // Registers with every name server; `done` runs once all have answered.
    void register_remote(bool announce, std::function<void()> done = {});
    // Logs a name server's answer when its health changed (or `announce`).
    void report(const std::string& address, const result<protocols::remoting::remoting_command>& response,
                bool announce);

    const broker_config& config_;
    core::core_engine& engine_;
    const protocols::remoting::broker_identity identity_;
    std::vector<std::string> addresses_;
    // One-process mode.
    std::unique_ptr<namesrv::name_server> embedded_;
    std::mutex embedded_mutex_;
    std::optional<core::data_version> embedded_version_; // embedded_mutex_
    // Name servers configured.
    std::unique_ptr<remote_state> remote_;
};

} // namespace gantry::broker
