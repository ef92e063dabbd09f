#include "gantry/namesrv/namesrv_error.hpp"

#include <string>

namespace gantry::namesrv {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.namesrv"; }
    std::string message(int code) const override {
        switch (static_cast<namesrv_errc>(code)) {
        case namesrv_errc::malformed_register_body: return "Failed to decode RegisterBrokerBody";
        case namesrv_errc::register_body_too_large: return "the compressed RegisterBrokerBody inflates past 64 MiB";
        case namesrv_errc::malformed_data_version: return "Failed to decode DataVersion";
        }
        return "unknown name server error";
    }
};

} // namespace

const std::error_category& namesrv_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace gantry::namesrv
