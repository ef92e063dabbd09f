#include "topic_remarks.hpp"

namespace gantry::protocols::remoting::handlers {

std::optional<std::string> invalid_topic_remark(const std::string& topic) {
    if (topic.empty()) return "The specified topic is blank.";
    // The records store the topic's length in a signed byte.
    if (topic.size() > 127) return "The specified topic is longer than topic max length.";
    for (const char c : topic) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '%' || c == '|';
        if (!ok) return "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
    }
    return std::nullopt;
}

} // namespace gantry::protocols::remoting::handlers
