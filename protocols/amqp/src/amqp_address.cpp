#include "amqp_address.hpp"

namespace gantry::protocols::amqp {

namespace {

constexpr std::string_view queue_scheme = "queue://";
constexpr std::string_view topic_scheme = "topic://";

class address_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.amqp.address"; }
    std::string message(int value) const override {
        switch (static_cast<address_errc>(value)) {
        case address_errc::empty_address: return "the terminus has no address; name a queue or topic";
        case address_errc::empty_name: return "the address names no queue or topic after its scheme";
        }
        return "unknown AMQP address error";
    }
};

} // namespace

const std::error_category& address_category() noexcept {
    static const address_category_impl category;
    return category;
}

std::string address::text() const { return std::string(topic ? topic_scheme : queue_scheme) + name; }

result<address> parse_address(std::string_view text, address_capability capability, bool bare_is_topic) {
    if (text.empty()) return address_errc::empty_address;
    for (const auto& [scheme, topic] : {std::pair{queue_scheme, false}, std::pair{topic_scheme, true}}) {
        if (!text.starts_with(scheme)) continue;
        if (text.size() == scheme.size()) return address_errc::empty_name;
        return address{topic, std::string(text.substr(scheme.size()))};
    }
    const bool topic = capability == address_capability::none ? bare_is_topic : capability == address_capability::topic;
    return address{topic, std::string(text)};
}

} // namespace gantry::protocols::amqp
