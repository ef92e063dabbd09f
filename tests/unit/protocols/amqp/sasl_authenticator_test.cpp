// The SASL plugin against proton's own client: PLAIN checked against the
// user store, ANONYMOUS only where the store admits it, and a client that
// skips SASL refused when anonymous access is off. Client and server
// drivers exchange bytes in memory.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>

#include <gtest/gtest.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/connection_driver.h>
#include <proton/event.h>
#include <proton/sasl.h>
#include <proton/transport.h>

#include "gantry/protocols/amqp/proton_driver.hpp"
#include "../../../../protocols/amqp/src/sasl_authenticator.hpp"

namespace gantry::protocols::amqp {
namespace {

// Written by mosquitto_passwd 2.0.11 (-H sha512): bob / hunter2.
constexpr std::string_view password_file =
    "bob:$6$QZdtWaloKFpv1BJs$0kVqw2a4s7lFAsm3fI73VDmXid0++uk0W9WnuLMjjhBgRxBsZ9SDRdXBjWq3CaEvgG1AjXfr8yYKNYMEQFR63g"
    "==\n";

enum class client_sasl { none, anonymous, plain };

struct outcome {
    bool opened = false;       // the server saw the client's OPEN
    std::string server_error;  // the server transport's condition
    std::optional<security::principal> principal;
};

class sasl_authenticator_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("gantry-sasl-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "passwd") << password_file;
        ASSERT_FALSE(users_.load(dir_ / "passwd"));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    outcome connect(client_sasl mode, const char* user = nullptr, const char* password = nullptr) {
        pn_connection_driver_t client;
        EXPECT_EQ(pn_connection_driver_init(&client, nullptr, nullptr), 0);
        if (mode != client_sasl::none) {
            auto* sasl = pn_sasl(client.transport);
            pn_sasl_set_allow_insecure_mechs(sasl, true);
            pn_sasl_allowed_mechs(sasl, mode == client_sasl::plain ? "PLAIN" : "ANONYMOUS");
        }
        if (user) pn_connection_set_user(client.connection, user);
        if (password) pn_connection_set_password(client.connection, password);
        pn_connection_open(client.connection);
        pn_connection_driver_bind(&client);

        proton_driver server;
        sasl_authenticator authenticator(&users_);
        authenticator.install(server.transport());
        server.bind();

        outcome result;
        for (int round = 0; round < 50; ++round) {
            std::string to_server;
            for (auto out = pn_connection_driver_write_buffer(&client); out.size > 0;
                 out = pn_connection_driver_write_buffer(&client)) {
                to_server.append(out.start, out.size);
                pn_connection_driver_write_done(&client, out.size);
            }
            server.feed(std::as_bytes(std::span(to_server.data(), to_server.size())));
            while (auto* event = server.next_event()) {
                if (pn_event_type(event) == PN_CONNECTION_REMOTE_OPEN) {
                    result.opened = true;
                    pn_connection_open(server.connection());
                }
            }
            std::string to_client;
            server.take_output(to_client);
            for (std::size_t fed = 0; fed < to_client.size();) {
                auto in = pn_connection_driver_read_buffer(&client);
                if (in.size == 0) break;
                const auto n = std::min(in.size, to_client.size() - fed);
                std::memcpy(in.start, to_client.data() + fed, n);
                pn_connection_driver_read_done(&client, n);
                fed += n;
            }
            while (pn_connection_driver_next_event(&client)) {}
            if (server.finished() || (to_server.empty() && to_client.empty())) break;
        }
        if (auto* condition = pn_transport_condition(server.transport()); pn_condition_is_set(condition))
            result.server_error = pn_condition_get_name(condition);
        result.principal = authenticator.principal();
        pn_connection_driver_destroy(&client);
        return result;
    }

    std::filesystem::path dir_;
    security::user_store users_;
};

TEST_F(sasl_authenticator_test, PlainWithTheRightPasswordAuthenticatesTheUser) {
    const auto result = connect(client_sasl::plain, "bob", "hunter2");
    EXPECT_TRUE(result.opened);
    ASSERT_TRUE(result.principal);
    EXPECT_EQ(result.principal->username, "bob");
}

TEST_F(sasl_authenticator_test, PlainWithAWrongPasswordIsRefused) {
    const auto result = connect(client_sasl::plain, "bob", "wrong");
    EXPECT_FALSE(result.opened);
    EXPECT_FALSE(result.principal);
    EXPECT_EQ(result.server_error, "amqp:unauthorized-access");
}

TEST_F(sasl_authenticator_test, AnonymousIsRefusedUnlessTheStoreAdmitsIt) {
    EXPECT_FALSE(connect(client_sasl::anonymous).opened);
    users_.set_allow_anonymous(true);
    const auto result = connect(client_sasl::anonymous);
    EXPECT_TRUE(result.opened);
    ASSERT_TRUE(result.principal);
    EXPECT_TRUE(result.principal->anonymous());
}

TEST_F(sasl_authenticator_test, AClientThatSkipsSaslIsRefusedWhenAnonymousAccessIsOff) {
    const auto refused = connect(client_sasl::none);
    EXPECT_FALSE(refused.opened);
    EXPECT_FALSE(refused.server_error.empty());
    users_.set_allow_anonymous(true);
    EXPECT_TRUE(connect(client_sasl::none).opened);
}

} // namespace
} // namespace gantry::protocols::amqp
