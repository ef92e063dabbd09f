#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace gantry::bridge {

// What an operator sees of one bridge (logs, `gantry bridge list`).
struct bridge_status {
    std::string name;
    std::string type;            // "mqtt"
    bool connected = false;
    std::string remote;          // the address connected to, or last tried
    std::string last_error;      // why the last connection ended or failed; empty: none yet
    std::uint64_t messages_out = 0;
    std::uint64_t bytes_out = 0;
    std::uint64_t messages_in = 0;
    std::uint64_t bytes_in = 0;
    // Messages that could not travel and were set aside: refused by the
    // remote (to the bridge group's dead-letter topic) or with no local name.
    std::uint64_t dropped = 0;
    // Local messages the remote has not confirmed yet, as of the engine's
    // last offset flush (flushConsumerOffsetInterval).
    std::int64_t backlog = 0;
};

// The status as GET_BROKER_RUNTIME_INFO entries "bridge.<name>.<field>"
// (connected, type, remote, lastError, messagesOut, bytesOut, messagesIn,
// bytesIn, dropped, backlog), which `gantry bridge list` shows.
void add_runtime_info(const bridge_status& status, std::map<std::string, std::string>& table);

} // namespace gantry::bridge
