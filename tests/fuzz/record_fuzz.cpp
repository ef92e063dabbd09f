// Feeds arbitrary bytes to the commit-log record decoder and the property
// parser: recovery and native pulls decode bytes that may be torn or rotten.
#include <cstddef>
#include <cstdint>

#include "gantry/store/java_hash.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_record.hpp"

using namespace gantry::store;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view bytes(reinterpret_cast<const std::byte*>(data), size);
    const auto probe = probe_record(bytes);
    if (probe.kind == record_kind::message) {
        const auto record = decode_record(bytes);
        if (!record || record->total_size != probe.size) __builtin_trap();
        (void)body_crc_matches(*record);
        for_each_property(record->properties, [](std::string_view name, std::string_view value) {
            if (name.empty() || value.empty()) __builtin_trap();
        });
    }
    const auto text = as_chars(bytes);
    (void)find_property(text, property::tags);
    (void)java_string_hash(text);
    return 0;
}
