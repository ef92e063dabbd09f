// Receives messages from an AMQP address and accepts each. With
// --subscription NAME on a topic it is a durable subscription (as Qpid JMS
// makes one): named by the container id and NAME, it collects messages while
// the receiver is away; --unsubscribe ends it when done.
//
//   build/bin/amqp_receiver -a queue://orders -c 10
//   build/bin/amqp_receiver -a topic://news -c 5 -i reader-1 --subscription daily
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <proton/connection.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/message.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/source_options.hpp>

namespace {

class receiver final : public proton::messaging_handler {
public:
    struct options {
        std::string url;
        std::string address;
        int count = 0;
        std::string subscription;
        bool unsubscribe = false;
    };

    explicit receiver(options o) : options_(std::move(o)) {}

    void on_container_start(proton::container& c) override { c.connect(options_.url); }

    void on_connection_open(proton::connection& c) override {
        proton::receiver_options link;
        if (!options_.subscription.empty()) {
            link.name(options_.subscription);
            link.source(proton::source_options()
                            .durability_mode(proton::source::UNSETTLED_STATE)
                            .expiry_policy(proton::source::NEVER));
        }
        c.open_receiver(options_.address, link);
    }

    void on_message(proton::delivery& d, proton::message& m) override {
        std::printf("%s\n", proton::to_string(m.body()).c_str());
        std::fflush(stdout);
        if (++received_ < options_.count) return;
        // Closing the link ends a durable subscription; detaching keeps it.
        if (options_.unsubscribe) d.receiver().close();
        else d.receiver().detach();
        d.connection().close();
    }

    void on_error(const proton::error_condition& e) override { std::fprintf(stderr, "error: %s\n", e.what().c_str()); }

private:
    options options_;
    int received_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Receives messages from a Gantry queue or topic over AMQP 1.0"};
    receiver::options options{"amqp://127.0.0.1:5672", "queue://examples", 10, {}, false};
    std::string container_id;
    app.add_option("-u,--url", options.url, "Broker URL");
    app.add_option("-a,--address", options.address, "queue://name or topic://name");
    app.add_option("-c,--count", options.count, "Messages to receive before leaving")->check(CLI::PositiveNumber);
    app.add_option("-i,--container-id", container_id, "Container id (names a durable subscription)");
    app.add_option("-s,--subscription", options.subscription, "Durable subscription name (topics)");
    app.add_flag("--unsubscribe", options.unsubscribe, "End the durable subscription after the last message");
    CLI11_PARSE(app, argc, argv);

    receiver handler(options);
    if (container_id.empty()) proton::container(handler).run();
    else proton::container(handler, container_id).run();
    return 0;
}
