#pragma once

namespace gantry::protocols::mqtt {

struct pingresp_packet {
    bool operator==(const pingresp_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
