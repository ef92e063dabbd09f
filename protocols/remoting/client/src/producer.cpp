#include "gantry/protocols/remoting/client/producer.hpp"

#include <algorithm>
#include <functional>

#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/store/batch_body.hpp"
#include "gantry/store/unique_key.hpp"
#include "message_encoding.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// Java producers create unknown topics through this template topic's route.
constexpr std::string_view auto_create_template = "TBW102";

std::optional<send_status> send_status_of(std::int32_t code) {
    switch (code) {
    case response_code::success: return send_status::send_ok;
    case response_code::flush_disk_timeout: return send_status::flush_disk_timeout;
    case response_code::flush_slave_timeout: return send_status::flush_slave_timeout;
    case response_code::slave_not_available: return send_status::slave_not_available;
    default: return std::nullopt;
    }
}

// Failures another queue may not have (Java's retryResponseCodes plus lost connections).
bool worth_retrying(std::error_code error) {
    if (error == client_errc::connect_failed || error == client_errc::connection_closed) return true;
    if (error.category() != response_category()) return false;
    switch (error.value()) {
    case response_code::topic_not_exist:
    case response_code::service_not_available:
    case response_code::system_error:
    case response_code::system_busy:
    case response_code::no_permission: return true;
    default: return false;
    }
}

} // namespace

// One send (or batch) and its retries.
struct producer::attempt {
    std::string topic;
    std::string body;
    std::string properties;
    std::int32_t flag = 0;
    std::string msg_id;
    bool batch = false;
    bool oneway = false;
    queue_selector select;
    int retries_left = 0;
    std::string failed_broker;
    std::string default_topic; // set once the topic turned out not to exist
    send_handler done;
};

// The unique keys name this process by its pid, time and a counter; the
// address part is not needed for uniqueness on one host.
producer::producer(client_runtime& runtime, producer_options options)
    : runtime_(runtime), options_(std::move(options)), unique_keys_(store::socket_address::ipv4(127, 0, 0, 1, 0)) {}

producer::~producer() = default;

void producer::start(std::shared_ptr<attempt> a) {
    const auto route_topic = a->default_topic.empty() ? a->topic : a->default_topic;
    runtime_.route(route_topic, [this, a](result<std::shared_ptr<const topic_route>> route) {
        if (!route) {
            if (route.error() == response_error(response_code::topic_not_exist) && a->default_topic.empty()) {
                a->default_topic = std::string(auto_create_template);
                return start(a);
            }
            if (a->done) a->done(route.error());
            return;
        }
        auto queues = write_queues(**route, a->topic);
        if (!a->default_topic.empty() && queues.size() > static_cast<std::size_t>(options_.default_topic_queue_nums))
            queues.resize(static_cast<std::size_t>(options_.default_topic_queue_nums));
        if (queues.empty()) {
            if (a->done) a->done(client_errc::no_route);
            return;
        }
        std::size_t index = 0;
        if (a->select) {
            index = a->select(queues) % queues.size();
        } else {
            index = next_queue_++ % queues.size();
            for (std::size_t tried = 0; tried < queues.size() && queues[index].broker_name == a->failed_broker; ++tried)
                index = (index + 1) % queues.size();
        }
        const auto queue = queues[index];
        const auto address = *master_address(**route, queue.broker_name);

        auto request = make_request(a->batch ? request_code::send_batch_message : request_code::send_message_v2);
        request.set_ext("a", options_.group);
        request.set_ext("b", a->topic);
        request.set_ext("c", a->default_topic.empty() ? std::string(auto_create_template) : a->default_topic);
        request.set_ext("d", std::to_string(options_.default_topic_queue_nums));
        request.set_ext("e", std::to_string(queue.queue_id));
        request.set_ext("f", "0");
        request.set_ext("g", std::to_string(engine::wall_clock_ms()));
        request.set_ext("h", std::to_string(a->flag));
        request.set_ext("i", a->properties);
        request.set_ext("j", "0");
        request.set_ext("k", "false");
        if (a->batch) request.set_ext("m", "true");
        const auto* bytes = reinterpret_cast<const std::byte*>(a->body.data());
        request.body.assign(bytes, bytes + a->body.size());
        if (a->oneway) return runtime_.invoke_oneway(address, std::move(request));

        runtime_.invoke(address, std::move(request), [this, a, queue](result<remoting_command> response) {
            std::error_code failure;
            if (!response) {
                failure = response.error();
            } else if (const auto status = send_status_of(response->code)) {
                send_result sent;
                sent.status = *status;
                sent.msg_id = a->msg_id;
                sent.offset_msg_id = response->find_ext("msgId") ? *response->find_ext("msgId") : std::string();
                sent.queue = queue;
                const auto offset = response->find_ext("queueOffset");
                sent.queue_offset = offset ? parse_java_long(*offset).value_or(-1) : -1;
                return a->done(std::move(sent));
            } else {
                failure = response_error(response->code);
            }
            if (a->retries_left > 0 && !a->select && worth_retrying(failure)) {
                --a->retries_left;
                a->failed_broker = queue.broker_name;
                return start(a);
            }
            a->done(failure);
        }, options_.send_timeout);
    });
}

void producer::submit(message m, std::shared_ptr<attempt> a) {
    asio::post(runtime_.executor(), [this, a, m = std::move(m)] {
        a->topic = m.topic;
        a->msg_id = unique_keys_.next(engine::wall_clock_ms());
        a->properties = encode_properties(m, a->msg_id);
        a->body = m.body;
        a->flag = m.flag;
        start(a);
    });
}

void producer::send_async(message m, send_handler done) {
    auto a = std::make_shared<attempt>();
    a->retries_left = options_.retries;
    a->done = std::move(done);
    submit(std::move(m), std::move(a));
}

result<send_result> producer::send(message m) {
    return wait_for<send_result>(runtime_, [&](send_handler done) { send_async(std::move(m), std::move(done)); });
}

void producer::send_oneway(message m) {
    auto a = std::make_shared<attempt>();
    a->oneway = true;
    submit(std::move(m), std::move(a));
}

void producer::send_batch_async(std::vector<message> batch, send_handler done) {
    if (batch.empty()) return asio::post(runtime_.executor(), [done] { done(client_errc::no_route); });
    auto a = std::make_shared<attempt>();
    a->retries_left = options_.retries;
    a->batch = true;
    a->done = std::move(done);
    asio::post(runtime_.executor(), [this, a, batch = std::move(batch)] {
        a->topic = batch.front().topic;
        std::vector<std::byte> body;
        for (const auto& m : batch) {
            const auto key = unique_keys_.next(engine::wall_clock_ms());
            if (!a->msg_id.empty()) a->msg_id += ',';
            a->msg_id += key;
            store::append_batch_entry(body, m.flag, m.body, encode_properties(m, key));
        }
        a->body.assign(reinterpret_cast<const char*>(body.data()), body.size());
        start(a);
    });
}

result<send_result> producer::send_batch(std::vector<message> batch) {
    return wait_for<send_result>(runtime_,
                                 [&](send_handler done) { send_batch_async(std::move(batch), std::move(done)); });
}

void producer::send_to_async(message m, queue_selector select, send_handler done) {
    auto a = std::make_shared<attempt>();
    a->select = std::move(select);
    a->done = std::move(done);
    submit(std::move(m), std::move(a));
}

void producer::send_ordered_async(message m, const std::string& shard_key, send_handler done) {
    const auto hash = std::hash<std::string>{}(shard_key);
    send_to_async(std::move(m), [hash](const std::vector<message_queue>& queues) { return hash % queues.size(); },
                  std::move(done));
}

result<send_result> producer::send_ordered(message m, const std::string& shard_key) {
    return wait_for<send_result>(
        runtime_, [&](send_handler done) { send_ordered_async(std::move(m), shard_key, std::move(done)); });
}

} // namespace gantry::protocols::remoting::client
