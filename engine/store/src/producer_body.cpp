#include "gantry/store/producer_body.hpp"

#include "gantry/store/zlib_stream.hpp"

namespace gantry::store {

producer_body body_as_sent(const decoded_record& record) {
    if ((record.sys_flag & sys_flag::compressed) == 0) return {std::string(as_chars(record.body)), {}};
    std::string_view problem;
    switch ((record.sys_flag & sys_flag::compression_type_mask) >> 8) {
    case 0:
    case 3: {
        auto inflated = inflate_zlib(record.body, max_inflated_body);
        if (inflated.result == inflated_stream::outcome::inflated) return {std::move(inflated.bytes), {}};
        problem = inflated.result == inflated_stream::outcome::too_large
                      ? "it inflates past the 64 MiB Gantry inflates a body to"
                      : "its sysFlag says ZLIB-compressed, but it is not a zlib stream";
        break;
    }
    case 1: problem = "it is compressed with LZ4, which Gantry does not inflate"; break;
    case 2: problem = "it is compressed with ZSTD, which Gantry does not inflate"; break;
    default: problem = "its sysFlag names an unknown compression type"; break;
    }
    return {std::string(as_chars(record.body)), problem};
}

} // namespace gantry::store
