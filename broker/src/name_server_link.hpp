#pragma once

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
// registerNameServerPeriod and within a second of a topic change (Java
// re-registers when topics are created), and unregisters at stop. The
// registration runs on a client runtime of its own, so a slow or absent
// name server never holds up an io thread.
class name_server_link {
public:
    name_server_link(const broker_config& config, core::core_engine& engine,
                     protocols::remoting::broker_identity identity);
    ~name_server_link();
    name_server_link(const name_server_link&) = delete;
    name_server_link& operator=(const name_server_link&) = delete;

    // What the remoting module answers name-server requests with; nothing
    // when name servers are configured.
    std::optional<protocols::remoting::one_process_name_server> one_process();

    void start();
    // Unregisters (waiting up to the request timeout) and stops. Idempotent.
    void stop();

private:
    struct remote_state;

    void refresh_embedded();
    void tick();
    void register_remote(bool announce);

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
