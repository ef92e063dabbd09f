#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::store {

// One message of a SEND_BATCH_MESSAGE body (specs §3.4).
struct batch_entry {
    std::int32_t flag = 0;
    std::string body;
    std::string properties; // encoded property string (specs §3.3)
};

struct decoded_batch {
    std::vector<batch_entry> entries;
    std::optional<std::string> error; // why the body is malformed, naming the entry and byte
};

// Entries are totalSize, magic, bodyCRC, flag, bodyLength, body,
// propertiesLength (i16), properties. Magic and CRC are not checked, as Java
// does not; an empty body is an error.
decoded_batch decode_batch_body(std::span<const std::byte> body);

// Appends one entry, as the Java client encodes it (magic 0, body CRC).
void append_batch_entry(std::vector<std::byte>& out, std::int32_t flag, std::string_view body,
                        std::string_view properties);

} // namespace gantry::store
