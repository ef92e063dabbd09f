#include "gantry/protocols/remoting/client/client_error.hpp"

#include <string>

#include "gantry/protocols/remoting/response_code.hpp"

namespace gantry::protocols::remoting::client {

namespace {

class client_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.remoting.client"; }
    std::string message(int code) const override {
        switch (static_cast<client_errc>(code)) {
        case client_errc::timeout: return "no response within the request timeout";
        case client_errc::connection_closed: return "the connection closed before the response arrived";
        case client_errc::connect_failed: return "cannot connect";
        case client_errc::bad_address: return "an address is not host:port";
        case client_errc::no_route: return "no route: no name server knows the topic, or it has no usable queue";
        case client_errc::malformed_response: return "the server sent a response the client cannot read";
        case client_errc::stopped: return "the client is stopping";
        case client_errc::bad_message_id:
            return "not an offset message id (32 or 56 hex digits: store host, port and commit-log offset)";
        }
        return "unknown client error";
    }
};

const char* response_name(int code) {
    namespace rc = response_code;
    switch (code) {
    case rc::system_error: return "SYSTEM_ERROR";
    case rc::system_busy: return "SYSTEM_BUSY";
    case rc::request_code_not_supported: return "REQUEST_CODE_NOT_SUPPORTED";
    case rc::flush_disk_timeout: return "FLUSH_DISK_TIMEOUT";
    case rc::slave_not_available: return "SLAVE_NOT_AVAILABLE";
    case rc::flush_slave_timeout: return "FLUSH_SLAVE_TIMEOUT";
    case rc::message_illegal: return "MESSAGE_ILLEGAL";
    case rc::service_not_available: return "SERVICE_NOT_AVAILABLE";
    case rc::version_not_supported: return "VERSION_NOT_SUPPORTED";
    case rc::no_permission: return "NO_PERMISSION";
    case rc::topic_not_exist: return "TOPIC_NOT_EXIST";
    case rc::topic_exist_already: return "TOPIC_EXIST_ALREADY";
    case rc::pull_not_found: return "PULL_NOT_FOUND";
    case rc::pull_retry_immediately: return "PULL_RETRY_IMMEDIATELY";
    case rc::pull_offset_moved: return "PULL_OFFSET_MOVED";
    case rc::query_not_found: return "QUERY_NOT_FOUND";
    case rc::subscription_parse_failed: return "SUBSCRIPTION_PARSE_FAILED";
    case rc::subscription_not_exist: return "SUBSCRIPTION_NOT_EXIST";
    case rc::subscription_not_latest: return "SUBSCRIPTION_NOT_LATEST";
    case rc::subscription_group_not_exist: return "SUBSCRIPTION_GROUP_NOT_EXIST";
    case rc::invalid_parameter: return "INVALID_PARAMETER";
    case rc::consumer_not_online: return "CONSUMER_NOT_ONLINE";
    case rc::no_message: return "NO_MESSAGE";
    case rc::flow_control: return "FLOW_CONTROL";
    }
    return "response";
}

class response_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.remoting.response"; }
    std::string message(int code) const override {
        return std::string(response_name(code)) + " (" + std::to_string(code) + ")";
    }
};

} // namespace

const std::error_category& client_category() noexcept {
    static const client_error_category instance;
    return instance;
}

const std::error_category& response_category() noexcept {
    static const response_error_category instance;
    return instance;
}

} // namespace gantry::protocols::remoting::client
