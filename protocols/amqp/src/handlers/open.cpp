// The connection's and sessions' ends: OPEN (after SASL), BEGIN, END and
// CLOSE. A client that skipped SASL where a user store requires it never
// gets here: proton refuses it (pn_transport_require_auth).
#include <vector>

#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/link.h>
#include <proton/session.h>
#include <proton/transport.h>

#include "../amqp_log.hpp"
#include "../amqp_session.hpp"

namespace gantry::protocols::amqp {

void amqp_session::on_connection_remote_open() {
    auto* connection = driver_.connection();
    if (const auto* container = pn_connection_remote_container(connection)) container_id_ = container;
    if (sasl_.principal()) principal_ = *sasl_.principal();
    opened_ = true;
    pn_connection_open(connection);
    amqp_log()->debug("AMQP {} connected{}", who(),
                      principal_.username ? " as user '" + *principal_.username + "'" : std::string());
}

void amqp_session::on_connection_remote_close() {
    if (auto* remote = pn_connection_remote_condition(driver_.connection()); pn_condition_is_set(remote)) {
        close_reason_ = fmt::format("the client closed the connection: {}: {}", pn_condition_get_name(remote),
                                    pn_condition_get_description(remote) ? pn_condition_get_description(remote) : "");
        amqp_log()->info("AMQP {} {}", who(), close_reason_);
    } else {
        close_reason_ = "the client closed the connection";
    }
    pn_connection_close(driver_.connection());
}

void amqp_session::on_session_remote_open(pn_session_t* session) {
    if (pn_session_state(session) & PN_LOCAL_UNINIT) pn_session_open(session);
}

void amqp_session::on_session_remote_close(pn_session_t* session) {
    // Its links end with it: detached, not closed (a durable subscription stays).
    std::vector<pn_link_t*> links;
    for (auto& [link, in] : incoming_)
        if (pn_link_session(link) == session) links.push_back(link);
    for (auto& [id, out] : outgoing_)
        if (pn_link_session(out.link) == session) links.push_back(out.link);
    for (auto* link : links) on_link_remote_close(link, false);
    pn_session_close(session);
}

void amqp_session::on_transport_error() {
    transport_failed_ = true;
    auto* condition = pn_transport_condition(driver_.transport());
    const std::string name = pn_condition_get_name(condition) ? pn_condition_get_name(condition) : "";
    const std::string text = pn_condition_get_description(condition) ? pn_condition_get_description(condition) : "";
    if (!sasl_.failure().empty()) {
        close_reason_ = "authentication failed: " + sasl_.failure();
        amqp_log()->info("refusing AMQP connection from {}: {}", remote_address_, close_reason_);
    } else if (close_reason_.empty()) {
        close_reason_ = name + ": " + text;
        amqp_log()->info("AMQP connection of {} failed: {}", who(), close_reason_);
    }
}

} // namespace gantry::protocols::amqp
