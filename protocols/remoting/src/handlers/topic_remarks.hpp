#pragma once

#include <optional>
#include <string>

namespace gantry::protocols::remoting::handlers {

// Java's TopicValidator remarks (4.9.x) for a topic name an admin request
// may not use, so admin tools print what they would; nothing when valid.
std::optional<std::string> invalid_topic_remark(const std::string& topic);

} // namespace gantry::protocols::remoting::handlers
