#include "gantry/store/producer_body.hpp"

#include "gantry/store/zlib_stream.hpp"

namespace gantry::store {

producer_body body_as_sent(const decoded_record& record) {
    producer_body out;
    if ((record.sys_flag & sys_flag::compressed) == 0) {
        out.bytes = as_chars(record.body);
        return out;
    }
    const auto type = (record.sys_flag & sys_flag::compression_type_mask) >> 8;
    if (type != 0 && type != 3) {
        out.bytes = as_chars(record.body);
        out.problem = type == 1 ? "it is compressed with LZ4, which Gantry does not inflate"
                    : type == 2 ? "it is compressed with ZSTD, which Gantry does not inflate"
                                : "its sysFlag names an unknown compression type";
        return out;
    }
    auto inflated = inflate_zlib(record.body, max_inflated_body);
    switch (inflated.result) {
    case inflated_stream::outcome::inflated:
        out.bytes = std::move(inflated.bytes);
        return out;
    case inflated_stream::outcome::malformed:
        out.problem = "its sysFlag says ZLIB-compressed, but it is not a zlib stream";
        break;
    case inflated_stream::outcome::too_large:
        out.problem = "it inflates past the 64 MiB Gantry inflates a body to";
        break;
    }
    out.bytes = as_chars(record.body);
    return out;
}

} // namespace gantry::store
