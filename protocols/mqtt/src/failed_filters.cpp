#include "failed_filters.hpp"

#include "diagnostics.hpp"

namespace gantry::protocols::mqtt {

void failed_filters::add(std::string_view filter, std::string_view why) {
    ++count_;
    if (listed_.size() >= max_reason_string_bytes) {
        ++unlisted_;
        return;
    }
    if (!listed_.empty()) listed_ += "; ";
    listed_ += '\'';
    listed_ += filter;
    listed_ += "': ";
    listed_ += why;
}

std::string failed_filters::reason_string() const {
    if (unlisted_ == 0) return cut_reason(listed_);
    const auto more = "; and " + std::to_string(unlisted_) + " more";
    return cut_reason(listed_, max_reason_string_bytes - more.size()) + more;
}

} // namespace gantry::protocols::mqtt
