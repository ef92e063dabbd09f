#include "consumer_core.hpp"

#include <algorithm>
#include <optional>

#include "broker_call.hpp"
#include "client_log.hpp"
#include "countdown.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "group_bodies.hpp"
#include "rebalancer.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// Java's default for CONSUME_FROM_TIMESTAMP: half an hour back.
constexpr std::chrono::minutes default_timestamp_back{30};

} // namespace

consumer_core::consumer_core(client_runtime& runtime, push_consumer_options options,
                             std::vector<subscription> subscriptions, consume_service::listeners listeners)
    : runtime_(runtime), options_(std::move(options)), subscriptions_(std::move(subscriptions)),
      listeners_(std::move(listeners)),
      offsets_(options_.model == message_model::clustering
                   ? std::shared_ptr<offset_store>(make_remote_offset_store(runtime, options_.group))
                   : std::shared_ptr<offset_store>(make_local_offset_store(
                         options_.offset_file.empty() ? default_offset_file(runtime.client_id(), options_.group)
                                                      : options_.offset_file))),
      heartbeat_timer_(runtime.executor()), rebalance_timer_(runtime.executor()), persist_timer_(runtime.executor()),
      lock_timer_(runtime.executor()) {}

void consumer_core::start(std::function<void(std::error_code)> done) {
    std::weak_ptr<consumer_core> weak = weak_from_this();
    consume_ = std::make_shared<consume_service>(runtime_, options_, listeners_,
                                                 [weak](const std::shared_ptr<process_queue>& queue) {
                                                     const auto self = weak.lock();
                                                     // Taken again meanwhile (an offset reset): still ours.
                                                     if (self && !self->stopping_ && !self->queues_.contains(queue->queue()))
                                                         self->unlock({queue->queue()}, {});
                                                 });
    auto pending = std::make_shared<std::size_t>(1);
    auto failure = std::make_shared<std::error_code>();
    auto routes_known = countdown(pending, [self = shared_from_this(), failure, done] {
        if (*failure) return done(*failure);
        self->heartbeat([self, done] {
            self->rebalance([self, done] {
                self->every(self->heartbeat_timer_, self->options_.heartbeat_interval, &consumer_core::heartbeat_now);
                self->every(self->rebalance_timer_, self->options_.rebalance_interval, &consumer_core::rebalance_now);
                self->every(self->persist_timer_, self->options_.persist_interval, &consumer_core::persist_now);
                if (self->consume_->orderly())
                    self->every(self->lock_timer_, self->options_.lock_interval, &consumer_core::lock_now);
                done({});
            });
        });
    });
    // The retry topic appears with the first heartbeat; the others must exist.
    for (const auto& sub : subscriptions_) {
        if (sub.topic.starts_with(retry_topic_prefix)) continue;
        ++*pending;
        runtime_.route(sub.topic, [failure, routes_known](result<std::shared_ptr<const topic_route>> route) {
            if (!route && !*failure) *failure = route.error();
            routes_known();
        }, true);
    }
    routes_known();
}

void consumer_core::every(asio::steady_timer& timer, std::chrono::milliseconds interval, void (consumer_core::*work)()) {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this(), &timer, interval, work](std::error_code ec) {
        if (ec || self->stopping_) return;
        ((*self).*work)();
        self->every(timer, interval, work);
    });
}

std::vector<message_queue> consumer_core::assigned() const {
    std::vector<message_queue> out;
    for (const auto& [queue, pq] : queues_) out.push_back(queue);
    return out;
}

void consumer_core::brokers(std::function<void(std::set<std::string>)> done) {
    auto found = std::make_shared<std::set<std::string>>();
    auto pending = std::make_shared<std::size_t>(1);
    auto finish_one = countdown(pending, [found, done = std::move(done)] { done(std::move(*found)); });
    for (const auto& sub : subscriptions_) {
        ++*pending;
        runtime_.route(sub.topic, [found, finish_one](result<std::shared_ptr<const topic_route>> route) {
            if (route)
                for (const auto& broker : (*route)->brokers)
                    if (const auto it = broker.broker_addrs.find(0); it != broker.broker_addrs.end())
                        found->insert(it->second);
            finish_one();
        });
    }
    finish_one();
}

void consumer_core::heartbeat(done_handler done) {
    consumer_description me{options_.group, options_.model, options_.start, subscriptions_};
    auto body = heartbeat_json(runtime_.client_id(), me);
    brokers([self = shared_from_this(), body = std::move(body), done = std::move(done)](std::set<std::string> addresses) {
        auto pending = std::make_shared<std::size_t>(1);
        auto finish_one = countdown(pending, done);
        for (const auto& address : addresses) {
            auto request = make_request(request_code::heart_beat);
            set_body(request, body);
            ++*pending;
            self->runtime_.invoke(address, std::move(request), [self, address, finish_one](result<remoting_command> r) {
                r = expect_success(std::move(r));
                if (!r)
                    client_log()->warn("heartbeat of consumer group {} to {} failed: {}; the broker may hand this "
                                       "client's queues to others until the next heartbeat",
                                       self->options_.group, address, r.error().message());
                finish_one();
            });
        }
        finish_one();
    });
}

void consumer_core::rebalance(done_handler done) {
    if (done) rebalance_waiting_.push_back(std::move(done));
    if (rebalancing_) {
        rebalance_again_ = true;
        return;
    }
    // Not started (a notice for a group this client only just joins) or stopping.
    if (stopping_ || !consume_) {
        for (auto& w : std::exchange(rebalance_waiting_, {})) w();
        return;
    }
    rebalancing_ = true;
    rebalance_again_ = false;
    auto pending = std::make_shared<std::size_t>(1);
    auto finish_one = countdown(pending, [self = shared_from_this(), waiting = std::exchange(rebalance_waiting_, {})] {
        self->rebalancing_ = false;
        for (const auto& w : waiting) w();
        if (self->rebalance_again_ || !self->rebalance_waiting_.empty()) self->rebalance();
    });
    for (const auto& sub : subscriptions_) {
        ++*pending;
        rebalance_topic(sub, finish_one);
    }
    finish_one();
}

void consumer_core::rebalance_topic(const subscription& sub, done_handler done) {
    runtime_.route(sub.topic, [self = shared_from_this(), topic = sub.topic,
                               done = std::move(done)](result<std::shared_ptr<const topic_route>> route) {
        if (!route) {
            client_log()->warn("consumer group {} cannot rebalance {}: no route ({}); trying again at the next "
                               "rebalance",
                               self->options_.group, topic, route.error().message());
            return done();
        }
        auto all = read_queues(**route, topic);
        if (self->options_.model == message_model::broadcasting) return self->assign(topic, all, done);
        std::optional<std::string> address;
        for (const auto& broker : (*route)->brokers)
            if (!address) address = master_address(**route, broker.broker_name);
        if (!address) return done();
        auto request = make_request(request_code::get_consumer_list_by_group);
        request.set_ext("consumerGroup", self->options_.group);
        self->runtime_.invoke(*address, std::move(request), [self, topic, all = std::move(all),
                                                             done](result<remoting_command> response) {
            response = expect_success(std::move(response));
            auto ids = response ? parse_consumer_list(response->body) : result<std::vector<std::string>>(response.error());
            if (!ids) {
                client_log()->warn("consumer group {} cannot rebalance {}: no consumer list ({}); trying again at the "
                                   "next rebalance",
                                   self->options_.group, topic, ids.error().message());
                return done();
            }
            self->assign(topic, allocate_averagely(self->runtime_.client_id(), std::move(*ids), all), done);
        });
    });
}

void consumer_core::assign(const std::string& topic, const std::vector<message_queue>& mine, done_handler done) {
    if (stopping_) return done();
    const std::set<message_queue> wanted(mine.begin(), mine.end());
    for (auto it = queues_.begin(); it != queues_.end();) {
        if (it->first.topic == topic && !wanted.contains(it->first))
            drop_queue(it++);
        else
            ++it;
    }
    std::vector<message_queue> added;
    for (const auto& q : mine)
        if (!queues_.contains(q)) added.push_back(q);
    if (added.empty()) return done();
    if (!consume_->orderly()) return add_queues(std::move(added), std::move(done));
    // Orderly: only the queues whose broker lock this client gets.
    lock(added, [self = shared_from_this(), done = std::move(done)](std::set<message_queue> locked) {
        self->add_queues({locked.begin(), locked.end()}, done);
    });
}

void consumer_core::add_queues(std::vector<message_queue> queues, done_handler done) {
    auto pending = std::make_shared<std::size_t>(1);
    auto finish_one = countdown(pending, std::move(done));
    for (const auto& q : queues) {
        ++*pending;
        add_queue(q, finish_one);
    }
    finish_one();
}

void consumer_core::add_queue(const message_queue& queue, done_handler done) {
    offsets_->read(queue, [self = shared_from_this(), queue, done = std::move(done)](result<std::int64_t> stored) {
        if (stored && *stored >= 0) {
            self->create_queue(queue, *stored);
            return done();
        }
        if (!stored) {
            client_log()->warn("consumer group {} cannot read its offset of {}/{}/{}: {}; the queue is taken at the "
                               "next rebalance",
                               self->options_.group, queue.topic, queue.broker_name, queue.queue_id,
                               stored.error().message());
            return done();
        }
        self->start_offset(queue, [self, queue, done](result<std::int64_t> offset) {
            if (offset)
                self->create_queue(queue, *offset);
            else
                client_log()->warn("consumer group {} cannot find where to start {}/{}/{}: {}; the queue is taken "
                                   "at the next rebalance",
                                   self->options_.group, queue.topic, queue.broker_name, queue.queue_id,
                                   offset.error().message());
            done();
        });
    });
}

void consumer_core::start_offset(const message_queue& queue, std::function<void(result<std::int64_t>)> done) {
    const bool retry = queue.topic.starts_with(retry_topic_prefix);
    // Java: a retry topic is read from its start, or its end for a timestamp start.
    if (options_.start == consume_from::first_offset || (retry && options_.start == consume_from::last_offset))
        return done(std::int64_t{0});
    auto request = make_request(options_.start == consume_from::timestamp && !retry
                                    ? request_code::search_offset_by_timestamp
                                    : request_code::get_max_offset);
    request.set_ext("topic", queue.topic);
    request.set_ext("queueId", std::to_string(queue.queue_id));
    if (request.code == request_code::search_offset_by_timestamp) {
        const auto ts = options_.start_timestamp_ms > 0
                            ? options_.start_timestamp_ms
                            : engine::wall_clock_ms() - std::chrono::milliseconds(default_timestamp_back).count();
        request.set_ext("timestamp", std::to_string(ts));
    }
    invoke_broker(runtime_, queue, std::move(request), [done = std::move(done)](result<remoting_command> response) {
        response = expect_success(std::move(response));
        if (!response) return done(response.error());
        done(response_long(*response, "offset"));
    });
}

void consumer_core::create_queue(const message_queue& queue, std::int64_t offset) {
    if (stopping_ || queues_.contains(queue)) {
        if (consume_->orderly() && !queues_.contains(queue)) unlock({queue}, {});
        return;
    }
    const auto sub = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                                  [&](const subscription& s) { return s.topic == queue.topic; });
    pull_settings settings{options_.group,
                           *sub,
                           options_.pull_batch_size,
                           options_.long_poll,
                           options_.max_cached_messages_per_queue,
                           options_.model == message_model::clustering,
                           consume_->orderly()};
    std::weak_ptr<consume_service> consume = consume_;
    auto pq = std::make_shared<process_queue>(runtime_, queue, std::move(settings), offset,
                                              [consume](const std::shared_ptr<process_queue>& q) {
                                                  if (const auto c = consume.lock()) c->dispatch(q);
                                              });
    if (consume_->orderly()) pq->set_locked(true);
    queues_.emplace(queue, pq);
    client_log()->info("consumer {} of group {} takes {}/{}/{} from offset {}", runtime_.client_id(), options_.group,
                       queue.topic, queue.broker_name, queue.queue_id, offset);
    pq->start_pulling();
}

void consumer_core::drop_queue(queue_table::iterator it) {
    const auto queue = it->first;
    const auto pq = it->second;
    queues_.erase(it);
    pq->drop();
    offsets_->update(queue, pq->commit_offset());
    offsets_->persist({queue}, [self = shared_from_this(), queue] {
        if (!self->queues_.contains(queue)) self->offsets_->forget(queue);
    });
    // An orderly queue keeps its lock until its batch in progress ends (consume_service's release).
    if (consume_->orderly() && !pq->consuming) unlock({queue}, {});
    client_log()->info("consumer {} of group {} gives up {}/{}/{} at offset {}", runtime_.client_id(), options_.group,
                       queue.topic, queue.broker_name, queue.queue_id, pq->commit_offset());
}

void consumer_core::persist(done_handler done) {
    std::vector<message_queue> held;
    for (const auto& [queue, pq] : queues_) {
        offsets_->update(queue, pq->commit_offset());
        held.push_back(queue);
    }
    offsets_->persist(held, [self = shared_from_this(), done = std::move(done)] {
        if (done) done();
    });
}

void consumer_core::unregister(done_handler done) {
    brokers([self = shared_from_this(), done = std::move(done)](std::set<std::string> addresses) {
        auto pending = std::make_shared<std::size_t>(1);
        auto finish_one = countdown(pending, done);
        for (const auto& address : addresses) {
            auto request = make_request(request_code::unregister_client);
            request.set_ext("clientID", self->runtime_.client_id());
            request.set_ext("consumerGroup", self->options_.group);
            ++*pending;
            self->runtime_.invoke(address, std::move(request), [finish_one](result<remoting_command>) { finish_one(); });
        }
        finish_one();
    });
}

void consumer_core::shutdown(done_handler done) {
    if (stopping_ || !consume_) return done();
    stopping_ = true;
    for (auto* timer : {&heartbeat_timer_, &rebalance_timer_, &persist_timer_, &lock_timer_}) timer->cancel();
    for (const auto& [queue, pq] : queues_) pq->drop();
    // Once listeners are idle (or after await_termination): offsets, locks, leave the group.
    auto proceeded = std::make_shared<bool>(false);
    auto proceed = [self = shared_from_this(), proceeded, done = std::move(done)] {
        if (std::exchange(*proceeded, true)) return;
        self->persist([self, done] {
            auto leave = [self, done] { self->unregister(done); };
            if (self->consume_->orderly())
                self->unlock(self->assigned(), leave);
            else
                leave();
        });
    };
    auto timer = std::make_shared<asio::steady_timer>(runtime_.executor(), options_.await_termination);
    timer->async_wait([self = shared_from_this(), timer, proceed](std::error_code ec) {
        if (ec) return;
        client_log()->warn("consumer group {}: listeners still running after {} ms; offsets are committed without "
                           "their messages, which will be delivered again",
                           self->options_.group, self->options_.await_termination.count());
        proceed();
    });
    consume_->stop([timer, proceed] {
        timer->cancel();
        proceed();
    });
}

} // namespace gantry::protocols::remoting::client
