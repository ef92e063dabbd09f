#include "gantry/bridge/bridge_status.hpp"

namespace gantry::bridge {

void add_runtime_info(const bridge_status& status, std::map<std::string, std::string>& table) {
    const auto key = [&](const char* field) { return "bridge." + status.name + "." + field; };
    table[key("type")] = status.type;
    table[key("connected")] = status.connected ? "true" : "false";
    table[key("remote")] = status.remote;
    table[key("lastError")] = status.last_error;
    table[key("messagesOut")] = std::to_string(status.messages_out);
    table[key("bytesOut")] = std::to_string(status.bytes_out);
    table[key("messagesIn")] = std::to_string(status.messages_in);
    table[key("bytesIn")] = std::to_string(status.bytes_in);
    table[key("dropped")] = std::to_string(status.dropped);
    table[key("backlog")] = std::to_string(status.backlog);
}

} // namespace gantry::bridge
