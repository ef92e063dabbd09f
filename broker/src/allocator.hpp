#pragma once

#include <string>

namespace gantry::broker {

// The memory allocator gantryd runs on, as the start-up line names it.
std::string allocator_in_use();

} // namespace gantry::broker
