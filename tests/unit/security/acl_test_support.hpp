#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <gtest/gtest.h>

#include "gantry/security/acl.hpp"
#include "security_test_support.hpp"

namespace gantry::security::test {

// An acl loaded from the given file text, kept in a per-test directory.
class acl_fixture : public ::testing::Test {
protected:
    void load(std::string_view text) {
        const auto error = rules.load(dir.write("acl", text));
        ASSERT_FALSE(error) << error->message;
    }

    bool reads(std::optional<std::string_view> user, std::string_view topic, std::string_view client = "client-1") {
        return rules.check(access_kind::read, user, client, topic);
    }
    bool writes(std::optional<std::string_view> user, std::string_view topic, std::string_view client = "client-1") {
        return rules.check(access_kind::write, user, client, topic);
    }
    bool subscribes(std::optional<std::string_view> user, std::string_view filter,
                    std::string_view client = "client-1") {
        return rules.check(access_kind::subscribe, user, client, filter);
    }

    temp_dir dir;
    acl rules;
};

} // namespace gantry::security::test
