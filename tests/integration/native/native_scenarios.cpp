// The native client against a real gantryd: one scenario per run.
// Usage: native_scenarios <gantryd host:port> <scenario> [scratch directory]
// Exits 0 when the scenario holds, 1 (saying what went wrong) when it does
// not, 2 on a usage error, 3 when it runs past its time limit.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gantry/protocols/remoting/client/admin.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/producer.hpp"
#include "gantry/protocols/remoting/client/pull_consumer.hpp"
#include "gantry/protocols/remoting/client/push_consumer.hpp"
#include "gantry/protocols/remoting/response_code.hpp"

namespace {

using namespace gantry::protocols::remoting::client;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr auto scenario_limit = 40s;

struct scenario_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void check(bool condition, const std::string& what) {
    if (!condition) throw scenario_failure(what);
}

template <typename T>
T must(gantry::result<T> r, const std::string& what) {
    if (!r) throw scenario_failure(what + ": " + r.error().message());
    return std::move(*r);
}

// Polls `done` every 20 ms until it holds or `limit` passes.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return done();
}

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string address; // gantryd's, also its name-server address
std::filesystem::path scratch;

client_options options() {
    client_options o;
    o.name_servers = {address};
    return o;
}

void create_topic(client_runtime& runtime, const std::string& topic, std::int32_t queues, bool order = false) {
    admin a(runtime);
    topic_settings settings;
    settings.name = topic;
    settings.read_queue_nums = queues;
    settings.write_queue_nums = queues;
    settings.order = order;
    must(a.create_topic(settings), "creating topic " + topic);
}

message make_message(const std::string& topic, std::string body, std::string tags = "TagA", std::string keys = {}) {
    message m;
    m.topic = topic;
    m.body = std::move(body);
    m.tags = std::move(tags);
    m.keys = std::move(keys);
    return m;
}

// Every message of `topic` from offset 0 of each queue, by queue, until
// `expected` arrived or the limit passed.
std::map<std::int32_t, std::vector<received_message>> pull_all(client_runtime& runtime, const std::string& topic,
                                                              std::size_t expected, std::chrono::milliseconds limit) {
    pull_consumer puller(runtime, "native-scenario-reader");
    const auto queues = must(puller.queues(topic), "the queues of " + topic);
    std::map<std::int32_t, std::vector<received_message>> out;
    std::map<std::int32_t, std::int64_t> next;
    std::size_t total = 0;
    const auto deadline = clock_type::now() + limit;
    while (total < expected && clock_type::now() < deadline) {
        for (const auto& q : queues) {
            const auto pulled = must(puller.pull(q, next[q.queue_id]), "pulling " + topic);
            next[q.queue_id] = pulled.next_begin_offset;
            total += pulled.messages.size();
            auto& got = out[q.queue_id];
            got.insert(got.end(), pulled.messages.begin(), pulled.messages.end());
        }
        if (total < expected) std::this_thread::sleep_for(20ms);
    }
    check(total == expected, topic + ": pulled " + std::to_string(total) + " messages, expected " +
                                 std::to_string(expected));
    return out;
}

// Bodies consumed by push consumers, shared with their consume threads.
class consumed_log {
public:
    void add(const std::vector<received_message>& batch) {
        std::lock_guard lock(mutex_);
        for (const auto& m : batch) {
            bodies_.insert(m.body);
            ++deliveries_;
        }
    }
    std::size_t distinct() const {
        std::lock_guard lock(mutex_);
        return bodies_.size();
    }
    bool has_all(const std::vector<std::string>& bodies) const {
        std::lock_guard lock(mutex_);
        return std::all_of(bodies.begin(), bodies.end(), [&](const auto& b) { return bodies_.contains(b); });
    }
    std::set<std::string> bodies() const {
        std::lock_guard lock(mutex_);
        return bodies_;
    }

    // Makes `c` record what it consumes here, each batch acknowledged.
    void listen_to(push_consumer& c) {
        c.listen([this](const std::vector<received_message>& batch) {
            add(batch);
            return consume_status::success;
        });
    }

private:
    mutable std::mutex mutex_;
    std::set<std::string> bodies_;
    std::size_t deliveries_ = 0;
};

std::vector<message_queue> of_topic(std::vector<message_queue> queues, const std::string& topic) {
    std::erase_if(queues, [&](const message_queue& q) { return q.topic != topic; });
    return queues;
}

// What the gantry tool (beside this program in bin/) printed, stdout and
// stderr together, and its exit status.
struct tool_run {
    int status = -1;
    std::string output;
};

tool_run run_tool(const std::vector<std::string>& args) {
    const auto tool = std::filesystem::read_symlink("/proc/self/exe").parent_path() / "gantry";
    std::string command = "'" + tool.string() + "' -n " + address;
    for (const auto& a : args) command += " '" + a + "'";
    command += " 2>&1 </dev/null";
    tool_run run;
    FILE* out = ::popen(command.c_str(), "r");
    if (!out) throw scenario_failure("cannot run " + command);
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, out)) run.output.append(buffer, n);
    const int status = ::pclose(out);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

// The line of `text` whose first word is `word`, or nothing.
std::optional<std::vector<std::string>> line_starting(const std::string& text, const std::string& word) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::vector<std::string> fields;
        for (std::string w; words >> w;) fields.push_back(w);
        if (!fields.empty() && fields.front() == word) return fields;
    }
    return std::nullopt;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> send_numbered(producer& p, const std::string& topic, const std::string& prefix, int count) {
    std::vector<std::string> bodies;
    for (int i = 0; i < count; ++i) {
        bodies.push_back(prefix + std::to_string(i));
        must(p.send(make_message(topic, bodies.back())), "sending " + bodies.back());
    }
    return bodies;
}

// What %DLQ%<group> holds once something arrived there within `limit`;
// empty when nothing did.
std::vector<received_message> dead_letters(client_runtime& runtime, const std::string& group,
                                           std::chrono::milliseconds limit) {
    pull_consumer probe(runtime, group + "-dlq-probe");
    const auto dlq = "%DLQ%" + group;
    std::vector<received_message> dead;
    eventually([&] {
        const auto queues = probe.queues(dlq);
        if (!queues) return false;
        dead.clear();
        for (const auto& q : *queues)
            if (const auto pulled = probe.pull(q, 0))
                dead.insert(dead.end(), pulled->messages.begin(), pulled->messages.end());
        return !dead.empty();
    }, limit);
    return dead;
}

// ---------------------------------------------------------------------------

void send_and_pull_round_trip() {
    client_runtime runtime(options());
    const std::string topic = "NativeRoundTrip";
    create_topic(runtime, topic, 4);
    producer p(runtime);

    auto sync_message = make_message(topic, "sync", "TagS", "k1 k2");
    sync_message.properties["colour"] = "blue";
    const auto sent = must(p.send(sync_message), "sync send");
    check(sent.status == send_status::send_ok, "sync send status is not SEND_OK");
    check(sent.msg_id.size() == 32 && sent.offset_msg_id.size() == 32, "sync send ids are not 32 hex digits");

    std::promise<gantry::result<send_result>> async_done;
    p.send_async(make_message(topic, "async"), [&](gantry::result<send_result> r) { async_done.set_value(r); });
    auto async_future = async_done.get_future();
    check(async_future.wait_for(10s) == std::future_status::ready, "async send not answered within 10 s");
    must(async_future.get(), "async send");

    p.send_oneway(make_message(topic, "oneway"));

    std::vector<message> batch;
    for (int i = 0; i < 3; ++i) batch.push_back(make_message(topic, "batch" + std::to_string(i)));
    const auto batch_sent = must(p.send_batch(batch), "batch send");
    check(std::count(batch_sent.msg_id.begin(), batch_sent.msg_id.end(), ',') == 2, "batch send: not three msgIds");

    const auto by_queue = pull_all(runtime, topic, 6, 10s);
    std::set<std::string> bodies;
    for (const auto& [queue, messages] : by_queue)
        for (const auto& m : messages) {
            bodies.insert(m.body);
            if (m.body == "sync") {
                check(m.tags == "TagS" && m.keys == "k1 k2", "sync message lost its tags or keys");
                check(m.properties.count("colour") && m.properties.at("colour") == "blue",
                      "sync message lost its property");
                check(m.msg_id == sent.msg_id, "pulled msgId differs from the send result's");
                check(queue == sent.queue.queue_id && m.queue_offset == sent.queue_offset,
                      "sync message not where the send result said");
            }
        }
    check(bodies == std::set<std::string>{"sync", "async", "oneway", "batch0", "batch1", "batch2"},
          "pulled bodies differ from the sent ones");
    const auto& batch_queue = by_queue.at(batch_sent.queue.queue_id);
    std::vector<std::int64_t> batch_offsets;
    for (const auto& m : batch_queue)
        if (m.body.starts_with("batch")) batch_offsets.push_back(m.queue_offset);
    check(batch_offsets.size() == 3 && batch_offsets[0] == batch_sent.queue_offset &&
              batch_offsets[2] == batch_offsets[0] + 2,
          "batch entries are not consecutive on one queue");
}

void ordered_sends_keep_per_key_order() {
    client_runtime runtime(options());
    const std::string topic = "NativeOrdered";
    create_topic(runtime, topic, 8, true);
    producer p(runtime);
    const std::vector<std::string> keys{"order-a", "order-b", "order-c", "order-d", "order-e"};
    constexpr int per_key = 40;
    for (int i = 0; i < per_key; ++i)
        for (const auto& key : keys)
            must(p.send_ordered(make_message(topic, key + ":" + std::to_string(i)), key), "ordered send");
    const auto by_queue = pull_all(runtime, topic, keys.size() * per_key, 10s);
    std::map<std::string, std::set<std::int32_t>> queues_of_key;
    std::map<std::string, std::vector<int>> sequence;
    for (const auto& [queue, messages] : by_queue)
        for (const auto& m : messages) {
            const auto colon = m.body.find(':');
            const auto key = m.body.substr(0, colon);
            queues_of_key[key].insert(queue);
            sequence[key].push_back(std::stoi(m.body.substr(colon + 1)));
        }
    for (const auto& key : keys) {
        check(queues_of_key[key].size() == 1, key + " was spread over several queues");
        std::vector<int> expected(per_key);
        for (int i = 0; i < per_key; ++i) expected[static_cast<std::size_t>(i)] = i;
        check(sequence[key] == expected, key + " is out of order in its queue");
    }
}

void push_consumers_split_queues_and_rebalance_when_one_leaves() {
    const std::string topic = "NativeRebalance";
    const std::string group = "native-rebalance";
    client_runtime runtime_a(options());
    client_runtime runtime_b(options());
    create_topic(runtime_a, topic, 8);
    producer p(runtime_a);
    consumed_log consumed;

    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    o.rebalance_interval = 20s;
    auto a = std::make_unique<push_consumer>(runtime_a, o);
    auto b = std::make_unique<push_consumer>(runtime_b, o);
    for (auto* c : {a.get(), b.get()}) {
        c->subscribe(topic);
        consumed.listen_to(*c);
    }
    check(!a->start(), "consumer a did not start");
    check(!b->start(), "consumer b did not start");
    // B's heartbeat makes the broker tell A, which rebalances at once.
    const bool split = eventually([&] {
        return of_topic(a->assigned_queues(), topic).size() == 4 && of_topic(b->assigned_queues(), topic).size() == 4;
    }, 10s);
    check(split, "the 8 queues were not split 4 + 4 within 10 s (a holds " +
                     std::to_string(of_topic(a->assigned_queues(), topic).size()) + ", b " +
                     std::to_string(of_topic(b->assigned_queues(), topic).size()) + ")");
    std::set<message_queue> held;
    for (const auto& q : of_topic(a->assigned_queues(), topic)) held.insert(q);
    for (const auto& q : of_topic(b->assigned_queues(), topic)) held.insert(q);
    check(held.size() == 8, "a and b hold overlapping queues");

    auto bodies = send_numbered(p, topic, "before-", 40);
    check(eventually([&] { return consumed.has_all(bodies); }, 10s),
          "messages sent before b left were not all consumed: " + std::to_string(consumed.distinct()) + " of 40");

    b->shutdown();
    check(eventually([&] { return of_topic(a->assigned_queues(), topic).size() == 8; }, 10s),
          "a did not take all 8 queues within 10 s of b leaving (holds " +
              std::to_string(of_topic(a->assigned_queues(), topic).size()) + ")");
    auto after = send_numbered(p, topic, "after-", 40);
    bodies.insert(bodies.end(), after.begin(), after.end());
    check(eventually([&] { return consumed.has_all(bodies); }, 10s),
          "messages were lost across the rebalance: " + std::to_string(consumed.distinct()) + " of 80 consumed");
    a->shutdown();
}

void broadcasting_delivers_to_every_consumer() {
    const std::string topic = "NativeBroadcast";
    client_runtime runtime_a(options());
    client_runtime runtime_b(options());
    create_topic(runtime_a, topic, 4);
    producer p(runtime_a);
    consumed_log consumed_a, consumed_b;
    push_consumer_options o;
    o.group = "native-broadcast";
    o.model = message_model::broadcasting;
    o.start = consume_from::first_offset;
    o.offset_file = (scratch / "a" / "offsets.json").string();
    push_consumer a(runtime_a, o);
    o.offset_file = (scratch / "b" / "offsets.json").string();
    push_consumer b(runtime_b, o);
    a.subscribe(topic);
    b.subscribe(topic);
    a.listen([&](const std::vector<received_message>& batch) {
        consumed_a.add(batch);
        return consume_status::success;
    });
    b.listen([&](const std::vector<received_message>& batch) {
        consumed_b.add(batch);
        return consume_status::success;
    });
    check(!a.start() && !b.start(), "a broadcasting consumer did not start");
    check(of_topic(a.assigned_queues(), topic).size() == 4 && of_topic(b.assigned_queues(), topic).size() == 4,
          "broadcasting consumers do not each hold all 4 queues");
    const auto bodies = send_numbered(p, topic, "news-", 20);
    check(eventually([&] { return consumed_a.has_all(bodies) && consumed_b.has_all(bodies); }, 10s),
          "not every consumer got every message (a " + std::to_string(consumed_a.distinct()) + ", b " +
              std::to_string(consumed_b.distinct()) + " of 20)");
    a.shutdown();
    b.shutdown();
    check(std::filesystem::exists(scratch / "a" / "offsets.json"), "broadcasting offsets were not written to the file");
}

void orderly_consumption_keeps_per_queue_order_under_concurrent_sends() {
    const std::string topic = "NativeOrderly";
    client_runtime runtime(options());
    create_topic(runtime, topic, 4, true);
    constexpr int senders = 4;
    constexpr int per_sender = 50;

    std::mutex mutex;
    std::set<std::int32_t> busy_queues;
    std::map<std::string, std::vector<int>> seen; // key → sequence numbers in consumption order
    std::vector<std::string> violations;
    std::atomic<int> consumed{0};

    push_consumer_options o;
    o.group = "native-orderly";
    o.start = consume_from::first_offset;
    o.consume_threads = 4;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    c.listen_orderly([&](const std::vector<received_message>& batch) {
        const auto queue = batch.front().queue_id;
        {
            std::lock_guard lock(mutex);
            if (!busy_queues.insert(queue).second)
                violations.push_back("queue " + std::to_string(queue) + " consumed by two threads at once");
        }
        std::this_thread::sleep_for(1ms); // gives another thread the chance to break the order
        std::lock_guard lock(mutex);
        for (const auto& m : batch) {
            const auto colon = m.body.find(':');
            seen[m.body.substr(0, colon)].push_back(std::stoi(m.body.substr(colon + 1)));
            ++consumed;
        }
        busy_queues.erase(queue);
        return orderly_status::success;
    });
    check(!c.start(), "the orderly consumer did not start");

    std::vector<std::thread> threads;
    std::atomic<int> send_failures{0};
    for (int s = 0; s < senders; ++s)
        threads.emplace_back([&, s] {
            producer p(runtime);
            const auto key = "key" + std::to_string(s);
            for (int i = 0; i < per_sender; ++i)
                if (!p.send_ordered(make_message(topic, key + ":" + std::to_string(i)), key)) ++send_failures;
        });
    for (auto& t : threads) t.join();
    check(send_failures == 0, std::to_string(send_failures.load()) + " ordered sends failed");
    check(eventually([&] { return consumed >= senders * per_sender; }, 15s),
          "only " + std::to_string(consumed.load()) + " of " + std::to_string(senders * per_sender) +
              " messages consumed within 15 s");
    c.shutdown();
    std::lock_guard lock(mutex);
    check(violations.empty(), violations.empty() ? "" : violations.front());
    for (int s = 0; s < senders; ++s) {
        const auto& got = seen["key" + std::to_string(s)];
        std::vector<int> expected(per_sender);
        for (int i = 0; i < per_sender; ++i) expected[static_cast<std::size_t>(i)] = i;
        check(got == expected, "key" + std::to_string(s) + " was not consumed in send order");
    }
}

void orderly_suspend_consumes_again_then_dead_letters() {
    const std::string topic = "NativeOrderlySuspend";
    const std::string group = "native-orderly-suspend";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1, true);
    producer p(runtime);
    std::mutex mutex;
    std::vector<std::pair<std::string, clock_type::time_point>> calls; // body, when
    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    o.max_reconsume_times = 1;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    c.listen_orderly([&](const std::vector<received_message>& batch) {
        std::lock_guard lock(mutex);
        calls.emplace_back(batch.front().body, clock_type::now());
        return batch.front().body == "stuck" ? orderly_status::suspend_current_queue : orderly_status::success;
    });
    check(!c.start(), "the orderly consumer did not start");
    must(p.send(make_message(topic, "stuck")), "send");
    must(p.send(make_message(topic, "next")), "send");
    const auto next_consumed = [&] {
        std::lock_guard lock(mutex);
        return std::any_of(calls.begin(), calls.end(), [](const auto& call) { return call.first == "next"; });
    };
    check(eventually(next_consumed, 10s), "the message after a suspended one was never consumed");
    {
        // Two deliveries of the stuck message a pause apart (maxReconsumeTimes 1), then the next one.
        std::lock_guard lock(mutex);
        check(calls.size() == 3 && calls[0].first == "stuck" && calls[1].first == "stuck" && calls[2].first == "next",
              "orderly calls were not stuck, stuck, next (" + std::to_string(calls.size()) + " calls)");
        check(calls[1].second - calls[0].second >= 900ms, "a suspended queue was consumed again without a pause");
    }
    const std::string dlq = "%DLQ%" + group;
    const auto dead = dead_letters(runtime, group, 10s);
    check(!dead.empty(), "the suspended message did not reach " + dlq);
    check(dead.size() == 1 && dead.front().body == "stuck", dlq + " holds something other than the stuck message");
    c.shutdown();
}

void shutdown_waits_for_running_listeners_and_commits() {
    const std::string topic = "NativeShutdown";
    const std::string group = "native-shutdown";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    producer p(runtime);
    std::atomic<bool> started{false};
    std::atomic<bool> finished{false};
    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    c.listen([&](const std::vector<received_message>&) {
        started = true;
        std::this_thread::sleep_for(1s); // a listener the shutdown must wait for
        finished = true;
        return consume_status::success;
    });
    check(!c.start(), "the consumer did not start");
    const auto sent = must(p.send(make_message(topic, "slow")), "send");
    check(eventually([&] { return started.load(); }, 10s), "the listener was never called");
    c.shutdown();
    check(finished, "shutdown() returned while a listener was still running");
    pull_consumer probe(runtime, group);
    const auto committed = must(probe.committed_offset(sent.queue), "reading the committed offset");
    check(committed == sent.queue_offset + 1, "shutdown committed offset " + std::to_string(committed) +
                                                  ", expected " + std::to_string(sent.queue_offset + 1));
}

void consumer_of_an_unknown_topic_does_not_start() {
    client_runtime runtime(options());
    push_consumer_options o;
    o.group = "native-unknown";
    push_consumer c(runtime, o);
    c.subscribe("NativeNoSuchTopic");
    c.listen([](const std::vector<received_message>&) { return consume_status::success; });
    const auto began = clock_type::now();
    const auto error = c.start();
    check(static_cast<bool>(error), "a consumer of a topic no name server knows started");
    std::printf("start() refused: %s\n", error.message().c_str());
    check(clock_type::now() - began < 10s, "start() took more than 10 s to fail");
    check(c.assigned_queues().empty(), "a consumer that did not start holds queues");
    c.shutdown();
}

void failed_message_comes_back_through_retry_then_lands_in_dlq() {
    // gantryd runs with short delay levels (native_test.py: --messageDelayLevel).
    const std::string topic = "NativeRetry";
    const std::string group = "native-retry";
    client_runtime runtime(options());
    create_topic(runtime, topic, 2);
    producer p(runtime);

    std::mutex mutex;
    std::vector<received_message> bad_deliveries;
    consumed_log good;
    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    o.max_reconsume_times = 2;
    push_consumer c(runtime, o);
    c.subscribe(topic, "Bad || Good");
    c.listen([&](const std::vector<received_message>& batch) {
        for (const auto& m : batch)
            if (m.tags == "Bad") {
                std::lock_guard lock(mutex);
                bad_deliveries.push_back(m);
                return consume_status::retry_later;
            }
        good.add(batch);
        return consume_status::success;
    });
    check(!c.start(), "the consumer did not start");
    const auto bad = must(p.send(make_message(topic, "poison", "Bad")), "sending the failing message");
    must(p.send(make_message(topic, "fine", "Good")), "sending the good message");
    check(eventually([&] { return good.has_all({"fine"}); }, 10s), "the good message was not consumed");

    // Deliveries: the original and two retries (reconsume times 0, 1, 2), then the dead-letter queue.
    const std::string dlq = "%DLQ%" + group;
    const auto dead = dead_letters(runtime, group, 20s);
    std::lock_guard lock(mutex);
    check(!dead.empty(), "the failing message did not reach " + dlq + " within 20 s (" +
                             std::to_string(bad_deliveries.size()) + " deliveries seen)");
    check(dead.size() == 1 && dead.front().body == "poison", dlq + " holds something other than the failed message");
    check(bad_deliveries.size() == 3, "the failing message was delivered " + std::to_string(bad_deliveries.size()) +
                                          " times, expected 3 (maxReconsumeTimes 2)");
    for (std::size_t i = 0; i < bad_deliveries.size(); ++i) {
        const auto& m = bad_deliveries[i];
        check(m.body == "poison" && m.topic == topic, "a retry did not come back as the original topic's message");
        check(m.reconsume_times == static_cast<std::int32_t>(i),
              "delivery " + std::to_string(i) + " has reconsume times " + std::to_string(m.reconsume_times));
        check(m.msg_id == bad.msg_id, "a retry changed the message id");
    }
    c.shutdown();
}

void query_by_key_and_by_id() {
    const std::string topic = "NativeQuery";
    client_runtime runtime(options());
    create_topic(runtime, topic, 4);
    producer p(runtime);
    admin a(runtime);
    const auto begin = wall_ms() - 60'000;
    const auto first = must(p.send(make_message(topic, "first", "TagQ", "order-17 customer-3")), "send");
    const auto second = must(p.send(make_message(topic, "second", "TagQ", "order-18 customer-3")), "send");
    const auto end = wall_ms() + 60'000;

    std::vector<received_message> found;
    check(eventually([&] {
        auto r = a.query_by_key(topic, "customer-3", 32, begin, end);
        if (r) found = std::move(*r);
        return found.size() == 2;
    }, 10s), "query by key customer-3 found " + std::to_string(found.size()) + " messages, expected 2");
    const auto only = must(a.query_by_key(topic, "order-17", 32, begin, end), "query by key order-17");
    check(only.size() == 1 && only.front().body == "first", "query by key order-17 did not find exactly 'first'");
    const auto none = must(a.query_by_key(topic, "order-99", 32, begin, end), "query by key order-99");
    check(none.empty(), "query by an unknown key found messages");
    const auto by_unique = must(a.query_by_key(topic, second.msg_id, 32, begin, end, true), "query by unique key");
    check(by_unique.size() == 1 && by_unique.front().body == "second", "query by unique key did not find 'second'");
    const auto by_id = must(a.message_by_offset_id(first.offset_msg_id), "view by offset id");
    check(by_id.body == "first" && by_id.keys == "order-17 customer-3" && by_id.topic == topic,
          "view by offset id returned another message");
}

void offset_reset_by_time() {
    const std::string topic = "NativeOffsetReset";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    producer p(runtime);
    send_numbered(p, topic, "early-", 5);
    std::this_thread::sleep_for(50ms);
    const auto boundary = wall_ms();
    std::this_thread::sleep_for(50ms);
    send_numbered(p, topic, "late-", 5);

    pull_consumer consumer(runtime, "native-offset-reset");
    const message_queue queue{topic, must(consumer.queues(topic), "queues").front().broker_name, 0};
    // A stored message reaches its consume queue a moment after the send is acknowledged.
    check(eventually([&] {
        const auto max = consumer.max_offset(queue);
        return max && *max == 10;
    }, 5s),
          "the queue does not hold the 10 messages sent");
    must(consumer.commit_offset_confirmed(queue, 10), "committing offset 10");
    check(must(consumer.committed_offset(queue), "reading the offset") == 10, "committed offset is not 10");
    const auto at = must(consumer.offset_at_time(queue, boundary), "offset at time");
    check(at == 5, "offset at the boundary time is " + std::to_string(at) + ", expected 5");
    must(consumer.commit_offset_confirmed(queue, at), "resetting the offset");
    const auto committed = must(consumer.committed_offset(queue), "reading the reset offset");
    check(committed == 5, "the reset offset reads back as " + std::to_string(committed));
    const auto pulled = must(consumer.pull(queue, committed), "pulling from the reset offset");
    std::string got;
    for (const auto& m : pulled.messages) got += " " + m.body;
    check(pulled.messages.size() == 5 && pulled.messages.front().body == "late-0" &&
              pulled.messages.back().body == "late-4",
          "pulling from the reset offset returned" + got + ", expected late-0 to late-4");
    const auto earliest = must(consumer.offset_at_time(queue, boundary - 60'000), "offset an hour back");
    check(earliest == 0, "offset at a time before every message is " + std::to_string(earliest));
}

void long_poll_wakes_within_a_few_ms() {
    const std::string topic = "NativeLongPoll";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    pull_consumer consumer(runtime, "native-long-poll");
    const message_queue queue{topic, must(consumer.queues(topic), "queues").front().broker_name, 0};
    pull_options poll;
    poll.long_poll = 10s;
    std::promise<gantry::result<pull_result>> answered;
    auto answer = answered.get_future();
    std::atomic<clock_type::rep> answered_at{0};
    consumer.pull_async(queue, 0, poll, [&](gantry::result<pull_result> r) {
        answered_at = clock_type::now().time_since_epoch().count();
        answered.set_value(std::move(r));
    });
    std::this_thread::sleep_for(500ms); // the broker holds the pull by now
    check(answer.wait_for(0s) == std::future_status::timeout, "the pull of an empty queue returned at once");
    producer p(runtime);
    const auto sent_at = clock_type::now();
    must(p.send(make_message(topic, "wake")), "send");
    check(answer.wait_for(5s) == std::future_status::ready, "the held pull did not return within 5 s of the send");
    const auto pulled = must(answer.get(), "the long-polling pull");
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        clock_type::time_point(clock_type::duration(answered_at.load())) - sent_at);
    std::printf("long poll answered %lld ms after the send began\n", static_cast<long long>(waited.count()));
    check(pulled.status == pull_status::found && pulled.messages.size() == 1 && pulled.messages.front().body == "wake",
          "the held pull did not return the sent message");
    check(waited < 1000ms, "the held pull returned " + std::to_string(waited.count()) + " ms after the send");
}

// Two halves around a gantryd restart (native_test.py): the first consumes
// and commits, then sends more; the second must resume at the commit.
constexpr int restart_consumed = 20;
constexpr int restart_pending = 10;
const std::string restart_topic = "NativeRestart";
const std::string restart_group = "native-restart";

push_consumer_options restart_consumer_options() {
    push_consumer_options o;
    o.group = restart_group;
    o.start = consume_from::first_offset;
    return o;
}

void restart_before() {
    client_runtime runtime(options());
    create_topic(runtime, restart_topic, 4);
    producer p(runtime);
    const auto first = send_numbered(p, restart_topic, "consumed-", restart_consumed);
    consumed_log consumed;
    {
        push_consumer c(runtime, restart_consumer_options());
        c.subscribe(restart_topic);
        consumed.listen_to(c);
        check(!c.start(), "the consumer did not start");
        check(eventually([&] { return consumed.has_all(first); }, 10s), "the first messages were not all consumed");
        c.shutdown(); // commits the offsets
    }
    send_numbered(p, restart_topic, "pending-", restart_pending);
}

void restart_after() {
    client_runtime runtime(options());
    consumed_log consumed;
    push_consumer c(runtime, restart_consumer_options());
    c.subscribe(restart_topic);
    consumed.listen_to(c);
    check(!c.start(), "the consumer did not start after the restart");
    std::vector<std::string> pending;
    for (int i = 0; i < restart_pending; ++i) pending.push_back("pending-" + std::to_string(i));
    check(eventually([&] { return consumed.has_all(pending); }, 10s),
          "messages acknowledged before the restart were not consumed after it");
    std::this_thread::sleep_for(1s); // anything wrongly redelivered would show up by now
    c.shutdown();
    for (const auto& body : consumed.bodies())
        check(body.starts_with("pending-"), "'" + body + "' was consumed again: the committed offset was lost");
}

// Deleting a topic with `gantry topic delete` while a push consumer reads
// it (gantryd without automatic topic creation, so nothing brings it back):
// the name servers and the broker forget it, sends and pulls fail with
// TOPIC_NOT_EXIST, the consumer survives, and a topic made again under the
// name starts empty.
void topic_delete_ends_produce_and_consume() {
    const std::string topic = "NativeDeleted";
    client_runtime runtime(options());
    create_topic(runtime, topic, 2);
    const auto broker = must(admin(runtime).route(topic), "route").brokers.front().broker_name;
    producer p(runtime);
    const auto sent = send_numbered(p, topic, "before-", 4);
    consumed_log consumed;
    push_consumer_options o;
    o.group = "native-deleted";
    o.start = consume_from::first_offset;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    consumed.listen_to(c);
    check(!c.start(), "the consumer did not start");
    check(eventually([&] { return consumed.has_all(sent); }, 10s), "the messages sent before the delete were not consumed");

    const auto deleted = run_tool({"topic", "delete", "-t", topic});
    check(deleted.status == 0 && mentions(deleted.output, "deleted on 1 broker(s)"),
          "gantry topic delete: " + deleted.output);
    const auto listed = run_tool({"topic", "list"});
    check(listed.status == 0 && !line_starting(listed.output, topic),
          "gantry topic list still shows the topic:\n" + listed.output);

    const auto refused = p.send(make_message(topic, "after"));
    check(!refused && mentions(refused.error().message(), "TOPIC_NOT_EXIST"),
          "a send after the delete: " + (refused ? std::string("it was stored") : refused.error().message()));
    pull_consumer puller(runtime, "native-deleted-reader");
    const auto pulled = puller.pull({topic, broker, 0}, 0);
    check(!pulled && pulled.error() == response_error(gantry::protocols::remoting::response_code::topic_not_exist),
          "a pull after the delete: " + (pulled ? std::string("it answered") : pulled.error().message()));
    const auto consume = run_tool({"consume", topic, "-g", "native-deleted-tool", "--idle", "1"});
    check(consume.status == 1 && mentions(consume.output, "TOPIC_NOT_EXIST"), "gantry consume: " + consume.output);
    c.shutdown();

    create_topic(runtime, topic, 2);
    for (std::int32_t q = 0; q < 2; ++q)
        check(must(puller.max_offset({topic, broker, q}), "max offset") == 0,
              "queue " + std::to_string(q) + " of the topic made again still holds the deleted messages");
}

// `gantry group list` shows a group with its consumer online; `gantry
// group delete` refuses it while the consumer runs and forgets it after.
void group_list_and_delete() {
    const std::string topic = "NativeGroups";
    const std::string group = "native-listed";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    producer p(runtime);
    const auto sent = send_numbered(p, topic, "m-", 3);
    consumed_log consumed;
    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    consumed.listen_to(c);
    check(!c.start(), "the consumer did not start");
    check(eventually([&] { return consumed.has_all(sent); }, 10s), "the messages were not consumed");

    const auto online = run_tool({"group", "list"});
    const auto row = line_starting(online.output, group);
    check(online.status == 0 && row && row->size() == 3 && (*row)[1] == "1" && (*row)[2] == "yes",
          "gantry group list does not show the group with one consumer online, durable:\n" + online.output);
    const auto busy = run_tool({"group", "delete", "-g", group});
    check(busy.status == 1 && mentions(busy.output, "online"),
          "gantry group delete of a group with a consumer online: " + busy.output);

    c.shutdown(); // commits its offsets and unregisters
    const auto offline = run_tool({"group", "list"});
    const auto kept = line_starting(offline.output, group);
    check(kept && (*kept)[1] == "0" && (*kept)[2] == "yes",
          "after its consumer stopped the group should be listed, durable, none online:\n" + offline.output);
    const auto deleted = run_tool({"group", "delete", "-g", group});
    check(deleted.status == 0 && mentions(deleted.output, "deleted on 1 broker(s)"), "gantry group delete: " + deleted.output);
    const auto after = run_tool({"group", "list"});
    check(after.status == 0 && !line_starting(after.output, group), "the deleted group is still listed:\n" + after.output);
    const auto again = run_tool({"group", "delete", "-g", group});
    check(again.status == 1 && mentions(again.output, "SUBSCRIPTION_GROUP_NOT_EXIST"),
          "deleting the group again: " + again.output);
}

// `gantry offset reset` by time while a push consumer is online: the broker
// tells it (RESET_CONSUMER_CLIENT_OFFSET) and it consumes again from there.
void offset_reset_reaches_an_online_push_consumer() {
    const std::string topic = "NativeOnlineReset";
    const std::string group = "native-online-reset";
    client_runtime runtime(options());
    create_topic(runtime, topic, 2);
    producer p(runtime);
    const auto early = send_numbered(p, topic, "early-", 4);
    std::this_thread::sleep_for(50ms);
    const auto boundary = wall_ms();
    std::this_thread::sleep_for(50ms);
    const auto late = send_numbered(p, topic, "late-", 4);

    std::mutex mutex;
    std::map<std::string, int> deliveries;
    const auto times = [&](const std::string& body) {
        std::lock_guard lock(mutex);
        const auto it = deliveries.find(body);
        return it == deliveries.end() ? 0 : it->second;
    };
    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    c.listen([&](const std::vector<received_message>& batch) {
        std::lock_guard lock(mutex);
        for (const auto& m : batch) ++deliveries[m.body];
        return consume_status::success;
    });
    check(!c.start(), "the consumer did not start");
    const auto all_once = [&] {
        for (const auto* list : {&early, &late})
            for (const auto& body : *list)
                if (times(body) < 1) return false;
        return true;
    };
    check(eventually(all_once, 10s), "the messages were not all consumed");

    const auto reset = run_tool({"offset", "reset", "-g", group, "-t", topic, "--to", std::to_string(boundary)});
    check(reset.status == 0 && mentions(reset.output, "were told"), "gantry offset reset: " + reset.output);
    check(eventually([&] {
        for (const auto& body : late)
            if (times(body) < 2) return false;
        return true;
    }, 15s),
          "the online consumer did not consume the messages after the reset time again");
    std::this_thread::sleep_for(500ms); // anything before the time would come by now
    for (const auto& body : early)
        check(times(body) == 1, "'" + body + "', sent before the reset time, was consumed " + std::to_string(times(body)) +
                                    " times");
    c.shutdown();
}

// The settings one broker reports for `group` (GET_ALL_SUBSCRIPTIONGROUP_CONFIG), if it lists it.
std::optional<group_summary> listed_group(client_runtime& runtime, const std::string& group) {
    for (auto& g : must(admin(runtime).groups(), "listing consumer groups"))
        if (g.group == group) return g;
    return std::nullopt;
}

// `gantry group update` (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP) makes a group
// the broker lists (GET_ALL_SUBSCRIPTIONGROUP_CONFIG) with its settings; a
// group that may not consume has its pulls refused; `gantry group delete`
// (DELETE_SUBSCRIPTIONGROUP) forgets the settings with the group.
void group_update_list_and_delete() {
    const std::string topic = "NativeGroupSettings";
    const std::string group = "native-configured";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    producer p(runtime);
    send_numbered(p, topic, "m-", 2);

    const auto created = run_tool({"group", "update", group, "--retry-max-times", "3", "--consume-enable", "false"});
    check(created.status == 0 && mentions(created.output, "updated on 1 broker(s)") &&
              mentions(created.output, "consumeEnable=false") && mentions(created.output, "retryMaxTimes=3"),
          "gantry group update: " + created.output);
    const auto listed = listed_group(runtime, group);
    check(listed && !listed->settings.consume_enable && listed->settings.retry_max_times == 3 &&
              listed->settings.consume_broadcast_enable && listed->online_consumers == 0,
          "the broker does not list the group with the settings just made");

    pull_consumer disabled(runtime, group);
    const message_queue queue{topic, must(disabled.queues(topic), "queues").front().broker_name, 0};
    const auto refused = disabled.pull(queue, 0);
    check(!refused && refused.error() == response_error(gantry::protocols::remoting::response_code::no_permission),
          "a pull of a group that may not consume: " +
              (refused ? std::string("it was served") : refused.error().message()));

    // Only the option given changes; retryMaxTimes stays 3.
    const auto enabled = run_tool({"group", "update", group, "--consume-enable", "true"});
    check(enabled.status == 0 && mentions(enabled.output, "consumeEnable=true") &&
              mentions(enabled.output, "retryMaxTimes=3"),
          "gantry group update --consume-enable true: " + enabled.output);
    const auto served = must(disabled.pull(queue, 0), "pulling once the group may consume again");
    check(served.messages.size() == 2, "the group that may consume again did not get the 2 messages");

    const auto deleted = run_tool({"group", "delete", "-g", group});
    check(deleted.status == 0 && mentions(deleted.output, "deleted on 1 broker(s)"),
          "gantry group delete: " + deleted.output);
    check(!listed_group(runtime, group), "the deleted group and its settings are still listed");
    const auto refused_update = run_tool({"group", "update", "no spaces", "--retry-max-times", "1"});
    check(refused_update.status == 1 && mentions(refused_update.output, "invalid consumer group name"),
          "gantry group update of an invalid name: " + refused_update.output);
}

// A push consumer that names no reconsume limit (maxReconsumeTimes -1):
// the broker dead-letters a failing message after the group's retryMaxTimes
// (2) send-backs that came back, on the third (gantryd runs with short
// delay levels, native_test.py).
void group_retry_max_times_sends_to_the_dlq() {
    const std::string topic = "NativeGroupRetry";
    const std::string group = "native-group-retry";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    const auto updated = run_tool({"group", "update", group, "--retry-max-times", "2"});
    check(updated.status == 0, "gantry group update: " + updated.output);
    producer p(runtime);

    std::mutex mutex;
    std::vector<std::int32_t> reconsume_times;
    push_consumer_options o;
    o.group = group;
    o.start = consume_from::first_offset;
    o.max_reconsume_times = -1;
    push_consumer c(runtime, o);
    c.subscribe(topic);
    c.listen([&](const std::vector<received_message>& batch) {
        std::lock_guard lock(mutex);
        for (const auto& m : batch) reconsume_times.push_back(m.reconsume_times);
        return consume_status::retry_later;
    });
    check(!c.start(), "the consumer did not start");
    must(p.send(make_message(topic, "poison")), "sending the failing message");

    const std::string dlq = "%DLQ%" + group;
    const auto dead = dead_letters(runtime, group, 20s);
    c.shutdown();
    std::lock_guard lock(mutex);
    check(!dead.empty(), "the failing message did not reach " + dlq + " within 20 s (" +
                             std::to_string(reconsume_times.size()) + " deliveries seen)");
    check(dead.size() == 1 && dead.front().body == "poison", dlq + " holds something other than the failed message");
    check(reconsume_times == std::vector<std::int32_t>{0, 1, 2},
          "the failing message was delivered " + std::to_string(reconsume_times.size()) +
              " times, expected 3 (the original and the group's 2 retries)");
}

// Two halves around a gantryd restart (native_test.py): settings made
// before it are the broker's after it.
const std::string restart_settings_group = "native-restart-settings";

void group_settings_before_restart() {
    const auto updated = run_tool({"group", "update", restart_settings_group, "--retry-max-times", "4",
                                   "--consume-enable", "false", "--notify-consumer-ids-changed-enable", "false"});
    check(updated.status == 0, "gantry group update: " + updated.output);
}

void group_settings_after_restart() {
    client_runtime runtime(options());
    const auto listed = listed_group(runtime, restart_settings_group);
    check(listed && listed->settings.retry_max_times == 4 && !listed->settings.consume_enable &&
              !listed->settings.notify_consumer_ids_changed_enable,
          "the group's settings did not survive the restart");
    const std::string topic = "NativeRestartSettings";
    create_topic(runtime, topic, 1);
    pull_consumer disabled(runtime, restart_settings_group);
    const auto refused = disabled.pull({topic, listed->broker_name, 0}, 0);
    check(!refused && refused.error() == response_error(gantry::protocols::remoting::response_code::no_permission),
          "after the restart a pull of the group that may not consume: " +
              (refused ? std::string("it was served") : refused.error().message()));
}

// A pull held in long polling when `gantry topic delete` deletes its topic
// returns at once with TOPIC_NOT_EXIST, not at the end of its 20 s.
void held_pull_on_a_deleted_topic_returns_promptly() {
    const std::string topic = "NativeHeldDeleted";
    client_runtime runtime(options());
    create_topic(runtime, topic, 1);
    pull_consumer consumer(runtime, "native-held-deleted");
    const message_queue queue{topic, must(consumer.queues(topic), "queues").front().broker_name, 0};
    pull_options poll;
    poll.long_poll = 20s;
    std::promise<gantry::result<pull_result>> answered;
    auto answer = answered.get_future();
    consumer.pull_async(queue, 0, poll, [&](gantry::result<pull_result> r) { answered.set_value(std::move(r)); });
    std::this_thread::sleep_for(500ms); // the broker holds the pull by now
    check(answer.wait_for(0s) == std::future_status::timeout, "the pull of an empty queue returned at once");

    const auto deleted_at = clock_type::now();
    const auto deleted = run_tool({"topic", "delete", "-t", topic});
    check(deleted.status == 0, "gantry topic delete: " + deleted.output);
    check(answer.wait_for(5s) == std::future_status::ready, "the held pull did not return within 5 s of the delete");
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - deleted_at);
    std::printf("held pull answered %lld ms after the delete began\n", static_cast<long long>(waited.count()));
    const auto pulled = answer.get();
    check(!pulled && pulled.error() == response_error(gantry::protocols::remoting::response_code::topic_not_exist),
          "the held pull of the deleted topic: " + (pulled ? std::string("it answered") : pulled.error().message()));
}

const std::map<std::string, void (*)()>& scenarios() {
    static const std::map<std::string, void (*)()> table{
        {"send_and_pull_round_trip", send_and_pull_round_trip},
        {"ordered_sends_keep_per_key_order", ordered_sends_keep_per_key_order},
        {"push_consumers_split_queues_and_rebalance_when_one_leaves",
         push_consumers_split_queues_and_rebalance_when_one_leaves},
        {"broadcasting_delivers_to_every_consumer", broadcasting_delivers_to_every_consumer},
        {"orderly_consumption_keeps_per_queue_order_under_concurrent_sends",
         orderly_consumption_keeps_per_queue_order_under_concurrent_sends},
        {"orderly_suspend_consumes_again_then_dead_letters", orderly_suspend_consumes_again_then_dead_letters},
        {"shutdown_waits_for_running_listeners_and_commits", shutdown_waits_for_running_listeners_and_commits},
        {"consumer_of_an_unknown_topic_does_not_start", consumer_of_an_unknown_topic_does_not_start},
        {"failed_message_comes_back_through_retry_then_lands_in_dlq",
         failed_message_comes_back_through_retry_then_lands_in_dlq},
        {"query_by_key_and_by_id", query_by_key_and_by_id},
        {"offset_reset_by_time", offset_reset_by_time},
        {"long_poll_wakes_within_a_few_ms", long_poll_wakes_within_a_few_ms},
        {"restart_before", restart_before},
        {"restart_after", restart_after},
        {"topic_delete_ends_produce_and_consume", topic_delete_ends_produce_and_consume},
        {"group_list_and_delete", group_list_and_delete},
        {"offset_reset_reaches_an_online_push_consumer", offset_reset_reaches_an_online_push_consumer},
        {"group_update_list_and_delete", group_update_list_and_delete},
        {"group_retry_max_times_sends_to_the_dlq", group_retry_max_times_sends_to_the_dlq},
        {"group_settings_before_restart", group_settings_before_restart},
        {"group_settings_after_restart", group_settings_after_restart},
        {"held_pull_on_a_deleted_topic_returns_promptly", held_pull_on_a_deleted_topic_returns_promptly},
    };
    return table;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3 || !scenarios().contains(argv[2])) {
        std::fprintf(stderr, "usage: %s <gantryd host:port> <scenario> [scratch directory]\nscenarios:\n", argv[0]);
        for (const auto& [name, fn] : scenarios()) std::fprintf(stderr, "  %s\n", name.c_str());
        return 2;
    }
    address = argv[1];
    scratch = argc > 3 ? std::filesystem::path(argv[3])
                       : std::filesystem::temp_directory_path() / ("native-scenarios-" + std::to_string(::getpid()));
    const std::string name = argv[2];
    std::thread([name] {
        std::this_thread::sleep_for(scenario_limit);
        std::fprintf(stderr, "%s: still running after %lld s\n", name.c_str(),
                     static_cast<long long>(std::chrono::seconds(scenario_limit).count()));
        std::_Exit(3);
    }).detach();
    try {
        scenarios().at(name)();
    } catch (const scenario_failure& e) {
        std::fprintf(stderr, "%s FAILED: %s\n", name.c_str(), e.what());
        return 1;
    }
    std::printf("%s passed\n", name.c_str());
    return 0;
}
