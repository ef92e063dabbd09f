#include "gantry/store/store_error.hpp"

#include <string>

namespace gantry::store {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.store"; }
    std::string message(int code) const override {
        switch (static_cast<store_errc>(code)) {
        case store_errc::message_too_large: return "message larger than maxMessageSize";
        case store_errc::topic_too_long: return "topic longer than 127 bytes";
        case store_errc::properties_too_long: return "message properties longer than 32767 bytes";
        case store_errc::nul_in_text: return "topic or message properties contain a NUL byte";
        case store_errc::disk_full:
            return "disk usage above diskSpaceWarningLevelRatio: appends refused until space is freed";
        case store_errc::not_writable: return "store is not accepting appends (shutting down or not recovered)";
        case store_errc::flush_timeout: return "stored, but not flushed to disk within syncFlushTimeout";
        case store_errc::corrupt_file: return "store file has an unexpected name or size";
        case store_errc::locked: return "data directory is locked by another running broker";
        case store_errc::dispatch_behind:
            return "the dispatcher has not caught up with the commit log yet; the deleted topic's consume queues are "
                   "removed when it does";
        }
        return "unknown store error";
    }
};

} // namespace

const std::error_category& store_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace gantry::store
