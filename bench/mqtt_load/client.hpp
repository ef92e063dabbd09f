#pragma once

#include <mosquitto.h>

#include <cstdint>
#include <functional>
#include <string>

#include "options.hpp"

namespace mqtt_load {

// One libmosquitto client driven by its owner's thread (no loop thread), so
// a publish is written to the socket by the call that makes it. Waits are
// bounded by the connection options' timeout; a broker that does not answer
// or drops the connection is a std::runtime_error naming the client.
class client {
public:
    client(const connection_options& options, std::string id, bool clean_session);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Returns once CONNACK accepted the session.
    void connect();
    // Returns once SUBACK granted `qos`.
    void subscribe(const std::string& topic, int qos);
    // Sends DISCONNECT and waits for the socket to close.
    void disconnect();

    void publish(const std::string& topic, const void* payload, int size, int qos);
    // Reads and writes what the socket allows, waiting up to timeout_ms for it.
    void loop(int timeout_ms);
    // Sets the QoS 1/2 messages libmosquitto keeps unacknowledged before queueing.
    void set_max_inflight(int messages);

    bool session_present() const { return session_present_; }
    const std::string& id() const { return id_; }

    // Called on the owner's thread from loop() or publish(): a publish is
    // written (QoS 0) or acknowledged (QoS 1), a message arrived.
    std::function<void()> on_published;
    std::function<void(const mosquitto_message&)> on_message;

private:
    // Loops until done() or the timeout; `what` names the wait in the error.
    void loop_until(const std::function<bool()>& done, const char* what);
    // One poll of the socket and what it allows; libmosquitto's result code.
    int poll_once(int timeout_ms);
    [[noreturn]] void fail(const std::string& what, int rc) const;

    connection_options options_;
    std::string id_;
    mosquitto* handle_;
    int connack_ = -1;
    bool session_present_ = false;
    bool subscribed_ = false;
    int granted_qos_ = -1;
    bool connected_ = false;
    std::uint64_t events_ = 0; // callbacks so far: tells poll_once() a read found a packet
};

} // namespace mqtt_load
