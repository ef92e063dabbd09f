#include "remoting_mapping.hpp"

#include <charconv>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "gantry/core/core_error.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/store/store_error.hpp"

namespace gantry::protocols::remoting {

std::int32_t to_response_code(std::error_code error) noexcept {
    using core::core_errc;
    using store::store_errc;
    if (!error) return response_code::success;
    if (error == core_errc::topic_not_exist || error == core_errc::topic_deleted) return response_code::topic_not_exist;
    if (error == core_errc::no_permission) return response_code::no_permission;
    if (error == core_errc::invalid_filter) return response_code::subscription_parse_failed;
    if (error == store_errc::message_too_large || error == core_errc::invalid_property ||
        error == core_errc::properties_too_long || error == store_errc::properties_too_long ||
        error == store_errc::nul_in_text || error == store_errc::topic_too_long)
        return response_code::message_illegal;
    if (error == store_errc::disk_full || error == store_errc::not_writable)
        return response_code::service_not_available;
    if (error == store_errc::flush_timeout) return response_code::flush_disk_timeout;
    return response_code::system_error;
}

engine::host_address to_host_address(std::string_view endpoint) {
    engine::host_address host;
    const auto colon = endpoint.rfind(':');
    if (colon == std::string_view::npos) return host;
    auto ip = endpoint.substr(0, colon);
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    const auto port_text = endpoint.substr(colon + 1);
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), host.port);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(ip), ec);
    if (ec) return host;
    if (address.is_v4() || (address.is_v6() && address.to_v6().is_v4_mapped())) {
        const auto v4 = address.is_v4() ? address.to_v4()
                                         : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                                                            address.to_v6());
        const auto bytes = v4.to_bytes();
        std::copy(bytes.begin(), bytes.end(), host.bytes.begin());
        return host;
    }
    const auto bytes = address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), host.bytes.begin());
    host.is_v6 = true;
    return host;
}

} // namespace gantry::protocols::remoting
