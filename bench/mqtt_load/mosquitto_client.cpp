#include "mosquitto_client.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mqtt_load {

namespace {

mosquitto_client& self(void* userdata) { return *static_cast<mosquitto_client*>(userdata); }

} // namespace

mosquitto_client::mosquitto_client(const connection_options& options, std::string id, bool clean_session)
    : mqtt_client(options, std::move(id)), handle_(mosquitto_new(id_.c_str(), clean_session, this)) {
    if (handle_ == nullptr) throw std::runtime_error("cannot create a libmosquitto client (out of memory?)");
    mosquitto_int_option(handle_, MOSQ_OPT_PROTOCOL_VERSION,
                         options_.protocol == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
    if (options_.tcp_nodelay) mosquitto_int_option(handle_, MOSQ_OPT_TCP_NODELAY, 1);
    // The callbacks only record: they run inside libmosquitto, where an exception must not pass.
    mosquitto_connect_with_flags_callback_set(handle_, [](mosquitto*, void* userdata, int rc, int flags) {
        auto& c = self(userdata);
        c.connack_ = rc;
        c.session_present_ = (flags & 1) != 0;
        c.connected_ = rc == 0;
    });
    mosquitto_disconnect_callback_set(handle_,
                                      [](mosquitto*, void* userdata, int) { self(userdata).connected_ = false; });
    mosquitto_subscribe_callback_set(handle_, [](mosquitto*, void* userdata, int, int count, const int* granted) {
        auto& c = self(userdata);
        c.subscribed_ = true;
        c.granted_qos_ = count > 0 ? granted[0] : -1;
    });
    mosquitto_publish_callback_set(handle_, [](mosquitto*, void* userdata, int) {
        auto& c = self(userdata);
        ++c.events_;
        if (c.on_published) c.on_published();
    });
    mosquitto_message_callback_set(handle_, [](mosquitto*, void* userdata, const mosquitto_message* m) {
        auto& c = self(userdata);
        ++c.events_;
        if (c.on_message) {
            c.on_message({static_cast<const std::byte*>(m->payload), static_cast<std::size_t>(m->payloadlen)});
        }
    });
}

mosquitto_client::~mosquitto_client() { mosquitto_destroy(handle_); }

void mosquitto_client::connect() {
    const int rc = mosquitto_connect(handle_, options_.host.c_str(), options_.port, options_.keepalive);
    if (rc != MOSQ_ERR_SUCCESS) fail_with_code("cannot connect", rc);
    loop_until([this] { return connack_ >= 0; }, "CONNACK");
    if (connack_ != 0) fail(std::string("CONNACK refused: ") + mosquitto_connack_string(connack_));
}

void mosquitto_client::subscribe(const std::string& topic, int qos) {
    subscribed_ = false;
    const int rc = mosquitto_subscribe(handle_, nullptr, topic.c_str(), qos);
    if (rc != MOSQ_ERR_SUCCESS) fail_with_code("cannot subscribe to " + topic, rc);
    loop_until([this] { return subscribed_; }, "SUBACK");
    if (granted_qos_ != qos) {
        fail("subscription to " + topic + " granted QoS " + std::to_string(granted_qos_) + ", not " +
             std::to_string(qos));
    }
}

void mosquitto_client::disconnect() {
    if (!connected_) return;
    mosquitto_disconnect(handle_);
    loop_until([this] { return !connected_; }, "the end of the connection");
}

void mosquitto_client::publish(const std::string& topic, const void* payload, int size, int qos) {
    const int rc = mosquitto_publish(handle_, nullptr, topic.c_str(), size, payload, qos, false);
    if (rc != MOSQ_ERR_SUCCESS) fail_with_code("cannot publish to " + topic, rc);
}

void mosquitto_client::loop(int timeout_ms) {
    const int rc = poll_once(timeout_ms);
    if (rc != MOSQ_ERR_SUCCESS) fail_with_code("connection lost", rc);
}

// libmosquitto's own mosquitto_loop() uses select(), which refuses sockets
// numbered past FD_SETSIZE (1024): thousands of idle connections need poll().
int mosquitto_client::poll_once(int timeout_ms) {
    pollfd p{mosquitto_socket(handle_), POLLIN, 0};
    if (p.fd < 0) return MOSQ_ERR_NO_CONN;
    if (mosquitto_want_write(handle_)) p.events |= POLLOUT;
    if (::poll(&p, 1, timeout_ms) < 0 && errno != EINTR) return MOSQ_ERR_ERRNO;
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        // mosquitto_loop_read() takes about one packet a call; go on while packets keep coming.
        for (int i = 0; i < 64; ++i) {
            const auto before = events_;
            if (const int rc = mosquitto_loop_read(handle_, 1); rc != MOSQ_ERR_SUCCESS) return rc;
            if (events_ == before) break;
        }
    }
    if ((p.revents & POLLOUT) != 0) {
        if (const int rc = mosquitto_loop_write(handle_, 1); rc != MOSQ_ERR_SUCCESS) return rc;
    }
    return mosquitto_loop_misc(handle_);
}

void mosquitto_client::set_max_inflight(int messages) {
    mosquitto_max_inflight_messages_set(handle_, static_cast<unsigned int>(messages));
}

void mosquitto_client::loop_until(const std::function<bool()>& done, const char* what) {
    wait_for(done, what, [&] {
        const int rc = poll_once(100);
        // A broker closing the socket after DISCONNECT is the awaited outcome, not an error.
        if (rc != MOSQ_ERR_SUCCESS && !done()) fail_with_code(std::string("waiting for ") + what, rc);
    });
}

void mosquitto_client::fail_with_code(const std::string& what, int rc) const {
    fail(what + ": " + (rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc)));
}

} // namespace mqtt_load
