#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gantry::protocols::mqtt {

// The one Reason String of a SUBACK or UNSUBACK: the filters that did not
// get Success (or a granted QoS) and why, "'a/#': why; 'b': why", as many
// as fit in max_reason_string_bytes and then how many more there were.
class failed_filters {
public:
    void add(std::string_view filter, std::string_view why);
    bool empty() const noexcept { return count_ == 0; }
    std::string reason_string() const;

private:
    std::string listed_;
    std::size_t count_ = 0;
    std::size_t unlisted_ = 0;
};

} // namespace gantry::protocols::mqtt
