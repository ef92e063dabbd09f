#include "broker_call.hpp"
#include "client_log.hpp"
#include "consumer_core.hpp"
#include "countdown.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "group_bodies.hpp"
#include "request.hpp"

// The orderly consumer's queue locks (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ, spec
// 2.4.8): asked for before a queue is consumed, renewed every 20 s,
// released when the queue is given up and at shutdown.
namespace gantry::protocols::remoting::client {

namespace {

std::map<std::string, std::vector<message_queue>> by_broker(const std::vector<message_queue>& queues) {
    std::map<std::string, std::vector<message_queue>> out;
    for (const auto& q : queues) out[q.broker_name].push_back(q);
    return out;
}

} // namespace

void consumer_core::lock(const std::vector<message_queue>& queues, std::function<void(std::set<message_queue>)> done) {
    auto locked = std::make_shared<std::set<message_queue>>();
    auto pending = std::make_shared<std::size_t>(1);
    auto finish_one = countdown(pending, [locked, done = std::move(done)] { done(std::move(*locked)); });
    for (const auto& [broker, batch] : by_broker(queues)) {
        auto request = make_request(request_code::lock_batch_mq);
        set_body(request, lock_batch_json(runtime_.client_id(), options_.group, batch));
        ++*pending;
        invoke_broker(runtime_, batch.front(), std::move(request),
                      [self = shared_from_this(), address = broker, locked,
                       finish_one](result<remoting_command> response) {
                          response = expect_success(std::move(response));
                          auto ok = response ? parse_lock_ok(response->body)
                                             : result<std::set<message_queue>>(response.error());
                          if (ok)
                              locked->insert(ok->begin(), ok->end());
                          else
                              client_log()->warn("consumer group {} cannot lock its queues on {}: {}; they are not "
                                                 "consumed until a lock succeeds",
                                                 self->options_.group, address, ok.error().message());
                          finish_one();
                      });
    }
    finish_one();
}

void consumer_core::unlock(const std::vector<message_queue>& queues, done_handler done) {
    auto pending = std::make_shared<std::size_t>(1);
    auto finish_one = countdown(pending, std::move(done));
    for (const auto& [broker, batch] : by_broker(queues)) {
        auto request = make_request(request_code::unlock_batch_mq);
        set_body(request, lock_batch_json(runtime_.client_id(), options_.group, batch));
        ++*pending;
        invoke_broker(runtime_, batch.front(), std::move(request),
                      [finish_one](result<remoting_command>) { finish_one(); });
    }
    finish_one();
}

void consumer_core::lock_held_queues() {
    lock(assigned(), [self = shared_from_this()](std::set<message_queue> locked) {
        for (const auto& [queue, pq] : self->queues_) {
            pq->set_locked(locked.contains(queue));
            if (locked.contains(queue)) self->consume_->dispatch(pq);
        }
    });
}

} // namespace gantry::protocols::remoting::client
