#pragma once

#include <mosquitto.h>

#include <cstdint>
#include <string>

#include "mqtt_client.hpp"

namespace mqtt_load {

// MQTT over TCP through libmosquitto, whose own loop thread is not used:
// poll_once() drives the socket on the owner's thread.
class mosquitto_client final : public mqtt_client {
public:
    mosquitto_client(const connection_options& options, std::string id, bool clean_session);
    ~mosquitto_client() override;

    void connect() override;
    void subscribe(const std::string& topic, int qos) override;
    void disconnect() override;
    void publish(const std::string& topic, const void* payload, int size, int qos) override;
    void loop(int timeout_ms) override;
    void set_max_inflight(int messages) override;
    bool session_present() const override { return session_present_; }

private:
    // Loops until done() or the timeout; `what` names the wait in the error.
    void loop_until(const std::function<bool()>& done, const char* what);
    // One poll of the socket and what it allows; libmosquitto's result code.
    int poll_once(int timeout_ms);
    [[noreturn]] void fail_with_code(const std::string& what, int rc) const;

    mosquitto* handle_;
    int connack_ = -1;
    bool session_present_ = false;
    bool subscribed_ = false;
    int granted_qos_ = -1;
    bool connected_ = false;
    std::uint64_t events_ = 0; // callbacks so far: tells poll_once() a read found a packet
};

} // namespace mqtt_load
