#pragma once

namespace gantry::protocols::mqtt {

struct pingreq_packet {
    bool operator==(const pingreq_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
