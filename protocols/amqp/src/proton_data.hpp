#pragma once

#include <memory>

#include <proton/codec.h>

namespace gantry::protocols::amqp {

// An owned pn_data_t, proton's AMQP type codec: pn_data(capacity) makes one.
struct proton_data_deleter {
    void operator()(pn_data_t* data) const noexcept { pn_data_free(data); }
};
using proton_data = std::unique_ptr<pn_data_t, proton_data_deleter>;

} // namespace gantry::protocols::amqp
