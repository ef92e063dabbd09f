#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/remoting/client/client_runtime.hpp"

namespace gantry::protocols::remoting::client {

// Where a push consumer keeps the offset (next to consume) of each queue it
// holds: remotely on the brokers (clustering) or in a local file
// (broadcasting). Lives on the runtime's executor: every call is made there
// and every handler runs there.
class offset_store {
public:
    using read_handler = std::function<void(result<std::int64_t>)>; // -1: none stored
    using done_handler = std::function<void()>;

    virtual ~offset_store() = default;

    // The offset stored for `queue` (loaded from the broker or file).
    virtual void read(const message_queue& queue, read_handler done) = 0;
    // Remembers `offset` for `queue`; persisted by the next persist().
    void update(const message_queue& queue, std::int64_t offset) { offsets_[queue] = offset; }
    // Writes the remembered offsets of `queues`; `done` once written or failed.
    virtual void persist(const std::vector<message_queue>& queues, done_handler done) = 0;
    void forget(const message_queue& queue) { offsets_.erase(queue); }

protected:
    std::map<message_queue, std::int64_t> offsets_;
};

// UPDATE_CONSUMER_OFFSET / QUERY_CONSUMER_OFFSET to each queue's broker.
std::unique_ptr<offset_store> make_remote_offset_store(client_runtime& runtime, std::string group);

// A JSON file {"offsetTable":[{"brokerName":..,"offset":..,"queueId":..,"topic":..}]},
// written whole to a temporary file and renamed over the old one.
std::unique_ptr<offset_store> make_local_offset_store(std::string path);

// Java's default file for a broadcasting group.
std::string default_offset_file(const std::string& client_id, const std::string& group);

} // namespace gantry::protocols::remoting::client
