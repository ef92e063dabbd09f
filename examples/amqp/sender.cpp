// Sends numbered messages to an AMQP address and waits until the broker
// accepted each (it stored them). A queue: "queue://orders"; a topic:
// "topic://news/sport" (the MQTT topic news/sport).
//
//   build/bin/amqp_sender -a queue://orders -c 10
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <proton/connection.hpp>
#include <proton/container.hpp>
#include <proton/message.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/sender.hpp>
#include <proton/tracker.hpp>

namespace {

class sender final : public proton::messaging_handler {
public:
    sender(std::string url, std::string address, int count)
        : url_(std::move(url)), address_(std::move(address)), count_(count) {}

    void on_container_start(proton::container& c) override { c.connect(url_); }
    void on_connection_open(proton::connection& c) override { c.open_sender(address_); }

    void on_sendable(proton::sender& s) override {
        for (; sent_ < count_ && s.credit() > 0; ++sent_) {
            proton::message m("message " + std::to_string(sent_ + 1));
            m.durable(true);
            m.properties().put("sequence", sent_ + 1);
            s.send(m);
        }
    }

    void on_tracker_accept(proton::tracker& t) override {
        if (++accepted_ == count_) {
            std::printf("%d messages accepted by %s\n", accepted_, address_.c_str());
            t.connection().close();
        }
    }

    void on_tracker_reject(proton::tracker& t) override {
        std::fprintf(stderr, "the broker rejected a message (see its log)\n");
        t.connection().close();
    }

    void on_error(const proton::error_condition& e) override { std::fprintf(stderr, "error: %s\n", e.what().c_str()); }

private:
    std::string url_;
    std::string address_;
    int count_;
    int sent_ = 0;
    int accepted_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Sends messages to a Gantry queue or topic over AMQP 1.0"};
    std::string url = "amqp://127.0.0.1:5672";
    std::string address = "queue://examples";
    int count = 10;
    app.add_option("-u,--url", url, "Broker URL");
    app.add_option("-a,--address", address, "queue://name or topic://name");
    app.add_option("-c,--count", count, "Messages to send")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    sender handler(url, address, count);
    proton::container(handler).run();
    return 0;
}
