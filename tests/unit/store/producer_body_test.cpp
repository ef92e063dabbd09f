#include "gantry/store/producer_body.hpp"
#include "gantry/store/zlib_stream.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../support/zlib_compressed.hpp"

namespace gantry::store {
namespace {

using gantry::testing::zlib_compressed;

decoded_record record_of(const std::string& body, std::int32_t sys_flag) {
    decoded_record r;
    r.body = as_bytes(body);
    r.sys_flag = sys_flag;
    return r;
}

TEST(ProducerBody, AnUncompressedBodyIsTheStoredBytes) {
    const auto body = body_as_sent(record_of("plain", sys_flag::multi_tags));
    EXPECT_EQ(body.bytes, "plain");
    EXPECT_TRUE(body.problem.empty());
}

TEST(ProducerBody, AZlibBodyIsInflatedWhicheverCodeNamesZlib) {
    const std::string text(10'000, 'q');
    const auto compressed = zlib_compressed(text);
    for (const std::int32_t type : {0x000, 0x300}) {
        const auto body = body_as_sent(record_of(compressed, sys_flag::compressed | type));
        EXPECT_EQ(body.bytes, text) << type;
        EXPECT_TRUE(body.problem.empty()) << body.problem;
    }
}

TEST(ProducerBody, WhatCannotBeInflatedStaysAsStoredWithTheReason) {
    const auto lz4 = body_as_sent(record_of("lz4 frame", sys_flag::compressed | 0x100));
    EXPECT_EQ(lz4.bytes, "lz4 frame");
    EXPECT_NE(lz4.problem.find("LZ4"), std::string_view::npos) << lz4.problem;
    const auto zstd = body_as_sent(record_of("zstd frame", sys_flag::compressed | 0x200));
    EXPECT_NE(zstd.problem.find("ZSTD"), std::string_view::npos) << zstd.problem;
    const auto garbage = body_as_sent(record_of("not zlib", sys_flag::compressed));
    EXPECT_EQ(garbage.bytes, "not zlib");
    EXPECT_NE(garbage.problem.find("not a zlib stream"), std::string_view::npos) << garbage.problem;
}

TEST(ZlibStream, InflatesAWholeStreamUpToItsBound) {
    const std::string text(1000, 'a');
    const auto compressed = zlib_compressed(text);
    const auto whole = inflate_zlib(as_bytes(compressed), 1000);
    EXPECT_EQ(whole.result, inflated_stream::outcome::inflated);
    EXPECT_EQ(whole.bytes, text);
    EXPECT_EQ(inflate_zlib(as_bytes(compressed), 999).result, inflated_stream::outcome::too_large);
    // Cut short, the stream never ends.
    const auto cut = std::string_view(compressed).substr(0, compressed.size() - 4);
    EXPECT_EQ(inflate_zlib(as_bytes(cut), 1000).result, inflated_stream::outcome::malformed);
    EXPECT_EQ(inflate_zlib({}, 1000).result, inflated_stream::outcome::malformed);
}

} // namespace
} // namespace gantry::store
