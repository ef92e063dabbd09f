#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "options.hpp"

namespace mqtt_load {

// One MQTT connection driven by its owner's thread (no thread of its own), so
// a publish is written to the socket by the call that makes it. Waits are
// bounded by the connection options' timeout; a broker that refuses, does not
// answer or drops the connection is a std::runtime_error naming the client.
// make_client picks the transport the options ask for.
class mqtt_client {
public:
    mqtt_client(const connection_options& options, std::string id) : options_(options), id_(std::move(id)) {}
    virtual ~mqtt_client() = default;
    mqtt_client(const mqtt_client&) = delete;
    mqtt_client& operator=(const mqtt_client&) = delete;

    // Returns once CONNACK accepted the session.
    virtual void connect() = 0;
    // Returns once SUBACK granted `qos`.
    virtual void subscribe(const std::string& topic, int qos) = 0;
    // Sends DISCONNECT and waits for the broker to close the connection.
    virtual void disconnect() = 0;

    virtual void publish(const std::string& topic, const void* payload, int size, int qos) = 0;
    // Reads and writes what the connection allows, waiting up to timeout_ms for it.
    virtual void loop(int timeout_ms) = 0;
    // QoS 1 messages the client sends unacknowledged before it queues more
    // itself; a client that never queues ignores it.
    virtual void set_max_inflight(int messages) = 0;

    virtual bool session_present() const = 0;
    const std::string& id() const { return id_; }

    // Called on the owner's thread from loop() or publish(): a publish is
    // written (QoS 0) or acknowledged (QoS 1), a message arrived.
    std::function<void()> on_published;
    std::function<void(std::span<const std::byte> payload)> on_message;

protected:
    // Runs step() until done(); past the options' timeout, an error saying `what` did not come.
    void wait_for(const std::function<bool()>& done, const char* what, const std::function<void()>& step) const;
    [[noreturn]] void fail(const std::string& what) const;

    const connection_options options_;
    const std::string id_;
};

std::unique_ptr<mqtt_client> make_client(const connection_options& options, std::string id, bool clean_session);

} // namespace mqtt_load
