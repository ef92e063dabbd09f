#include "gantry/store/store_config.hpp"

namespace gantry::store {

std::vector<std::chrono::milliseconds> default_delay_levels() {
    using namespace std::chrono;
    return {seconds(1),  seconds(5),  seconds(10), seconds(30), minutes(1),  minutes(2),
            minutes(3),  minutes(4),  minutes(5),  minutes(6),  minutes(7),  minutes(8),
            minutes(9),  minutes(10), minutes(20), minutes(30), hours(1),    hours(2)};
}

} // namespace gantry::store
