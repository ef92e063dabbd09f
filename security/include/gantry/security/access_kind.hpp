#pragma once

namespace gantry::security {

// What a client wants to do with a topic.
enum class access_kind {
    read,      // receive a message published on a topic name
    write,     // publish to a topic name
    subscribe, // subscribe with a filter that may hold + and # wildcards
};

} // namespace gantry::security
