#pragma once

#include <stdexcept>

namespace gantry::broker {

// Why gantryd cannot start: a bad command line, configuration file or value,
// or an unusable data directory. Its message is the single line the operator
// sees, so it names the key or path at fault. Start-up is the one place
// Gantry uses exceptions (STYLE.md 6).
class startup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace gantry::broker
