#pragma once

#include <string>

#include <gtest/gtest.h>

#include "gantry/broker/startup_error.hpp"

namespace gantry::broker::testing {

// The message of the startup_error `action` throws; fails the test if it
// throws nothing.
template <typename Action>
std::string error_of(Action&& action) {
    try {
        action();
    } catch (const startup_error& error) {
        return error.what();
    }
    ADD_FAILURE() << "expected a startup_error";
    return {};
}

} // namespace gantry::broker::testing
