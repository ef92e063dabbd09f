#pragma once

#include <memory>
#include <string_view>

#include <proton/codec.h>

namespace gantry::protocols::amqp {

// An owned pn_data_t, proton's AMQP type codec: pn_data(capacity) makes one.
struct proton_data_deleter {
    void operator()(pn_data_t* data) const noexcept { pn_data_free(data); }
};
using proton_data = std::unique_ptr<pn_data_t, proton_data_deleter>;

// The bytes of a string, symbol or binary proton decoded; an empty one may
// have no start.
inline std::string_view view_of(pn_bytes_t bytes) {
    return bytes.size == 0 ? std::string_view{} : std::string_view(bytes.start, bytes.size);
}

} // namespace gantry::protocols::amqp
