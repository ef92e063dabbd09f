// A small MQTT device on libmosquitto: it announces itself with a will
// (published by the broker if the device vanishes), sends telemetry at QoS 1
// and listens for commands. Gantry keeps what it publishes in the commit log,
// so any protocol can read it: `gantry consume devices` sees the readings.
//
//   mqtt_device [-h 127.0.0.1] [-p 1883] [-i device-1] [-n 10]

#include <mosquitto.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

namespace {

void on_message(mosquitto*, void*, const mosquitto_message* m) {
    std::printf("command on %s: %.*s\n", m->topic, m->payloadlen, static_cast<const char*>(m->payload));
}

} // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    int port = 1883;
    std::string id = "device-1";
    int readings = 10;
    CLI::App app{"An MQTT device publishing telemetry to Gantry"};
    app.add_option("-H,--host", host, "Broker host")->capture_default_str();
    app.add_option("-p,--port", port, "Broker MQTT port")->capture_default_str();
    app.add_option("-i,--id", id, "Client id")->capture_default_str();
    app.add_option("-n,--readings", readings, "Readings to send, one a second")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    mosquitto_lib_init();
    // clean_session = false asks for a persistent session, so commands sent
    // while the device is away would wait for it; Gantry accepts the request
    // but keeps no session state across connections yet (protocols/mqtt/README.md).
    mosquitto* client = mosquitto_new(id.c_str(), false, nullptr);
    const std::string status = "devices/" + id + "/status";
    mosquitto_will_set(client, status.c_str(), 7, "offline", 1, true);
    mosquitto_message_callback_set(client, on_message);
    if (mosquitto_connect(client, host.c_str(), port, 30) != MOSQ_ERR_SUCCESS) {
        std::fprintf(stderr, "cannot connect to %s:%d\n", host.c_str(), port);
        return 1;
    }
    mosquitto_loop_start(client);
    mosquitto_publish(client, nullptr, status.c_str(), 6, "online", 1, true);
    const std::string commands = "devices/" + id + "/commands";
    mosquitto_subscribe(client, nullptr, commands.c_str(), 1);

    const std::string telemetry = "devices/" + id + "/telemetry";
    for (int i = 0; i < readings; ++i) {
        const auto reading = "{\"seq\":" + std::to_string(i) + ",\"temperature\":" + std::to_string(20 + i % 5) + "}";
        mosquitto_publish(client, nullptr, telemetry.c_str(), static_cast<int>(reading.size()), reading.c_str(), 1,
                          false);
        std::printf("sent %s\n", reading.c_str());
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    mosquitto_publish(client, nullptr, status.c_str(), 7, "offline", 1, true);
    mosquitto_disconnect(client); // a clean goodbye: the will is not published
    mosquitto_loop_stop(client, false);
    mosquitto_destroy(client);
    mosquitto_lib_cleanup();
    return 0;
}
