#include "gantry/protocols/amqp/proton_driver.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/transport.h>

namespace gantry::protocols::amqp {

proton_driver::proton_driver(role side) {
    if (pn_connection_driver_init(&driver_, nullptr, nullptr) != 0) throw std::bad_alloc();
    if (side == role::server) pn_transport_set_server(driver_.transport);
}

proton_driver::~proton_driver() { pn_connection_driver_destroy(&driver_); }

void proton_driver::bind() { pn_connection_driver_bind(&driver_); }

std::size_t proton_driver::feed(std::span<const std::byte> input) {
    std::size_t taken = 0;
    while (taken < input.size()) {
        const auto buffer = pn_connection_driver_read_buffer(&driver_);
        if (buffer.size == 0) break;
        const auto n = std::min(buffer.size, input.size() - taken);
        std::memcpy(buffer.start, input.data() + taken, n);
        pn_connection_driver_read_done(&driver_, n);
        taken += n;
    }
    return taken;
}

void proton_driver::read_close() { pn_connection_driver_read_close(&driver_); }

void proton_driver::fail(const char* condition, std::string_view description) {
    auto* local = pn_connection_condition(driver_.connection);
    pn_condition_set_name(local, condition);
    pn_condition_set_description(local, std::string(description).c_str());
    pn_connection_close(driver_.connection);
}

} // namespace gantry::protocols::amqp
