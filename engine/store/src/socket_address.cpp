#include "gantry/store/socket_address.hpp"

#include <arpa/inet.h>

namespace gantry::store {

std::string socket_address::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(is_v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
    std::string out;
    if (is_v6) out += '[';
    out += text;
    if (is_v6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

} // namespace gantry::store
