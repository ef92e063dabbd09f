#include "gantry/core/core_error.hpp"

#include <string>

namespace gantry::core {

namespace {

class core_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.core"; }
    std::string message(int code) const override {
        switch (static_cast<core_errc>(code)) {
        case core_errc::topic_not_exist:
            return "topic does not exist and may not be created automatically; create it with the admin tool "
                   "or set autoCreateTopicEnable";
        case core_errc::invalid_topic_name:
            return "invalid topic name: use 1 to 127 characters from a-z, A-Z, 0-9, '_', '-', '%' and '|'";
        case core_errc::reserved_topic_name:
            return "topic name is reserved for the broker's system topics (TBW102, SCHEDULE_TOPIC_XXXX, RMQ_SYS_…, "
                   "rmq_sys_…); choose another name";
        case core_errc::invalid_topic_config:
            return "invalid topic configuration: queue counts must be 1 to 1024 and perm a combination of "
                   "4 (read), 2 (write) and 1 (inherit)";
        case core_errc::no_permission:
            return "the topic's or broker's permission does not allow this operation; check the topic's perm "
                   "(4 read, 2 write) and the broker's brokerPermission";
        case core_errc::metadata_corrupt:
            return "a metadata file under <storePathRootDir>/config and its .bak backup cannot be read; restore "
                   "one from a backup, or move both away to start with empty metadata";
        case core_errc::invalid_property:
            return "a message property holds a byte the record format reserves (0x00, 0x01, 0x02) or a key holds a "
                   "space; remove it from the message";
        case core_errc::properties_too_long:
            return "the message's properties and headers exceed 32767 bytes once encoded; send fewer or shorter ones";
        case core_errc::retained_with_delivery_time:
            return "a retained message cannot have a delivery time; send it without one, or not retained";
        case core_errc::invalid_filter: return "the subscription's tag expression or selector does not parse";
        case core_errc::group_mode_conflict:
            return "the consumer group already consumes in another mode (shared, exclusive or broadcast); use "
                   "another group name";
        case core_errc::exclusive_group_busy:
            return "the exclusive consumer group already has a consumer; stop it first or use another group";
        case core_errc::message_not_found: return "no stored message has that id";
        case core_errc::no_such_queue: return "the topic has no queue with that id";
        case core_errc::group_in_use:
            return "the consumer group still has consumers; close them before deleting the group";
        case core_errc::topic_deleted:
            return "an administrator deleted the topic; subscribe again once it is created again";
        case core_errc::invalid_group_name:
            return "invalid consumer group name: use 1 to 120 characters from a-z, A-Z, 0-9, '_', '-', '%' and '|' "
                   "(its retry topic %RETRY%<group> must be a valid topic name)";
        case core_errc::invalid_group_config:
            return "invalid consumer group settings: retryQueueNums must be 0 to 1024, and retryMaxTimes, brokerId "
                   "and whichBrokerWhenConsumeSlowly 0 or more";
        }
        return "unknown core error";
    }
};

} // namespace

const std::error_category& core_category() noexcept {
    static const core_error_category instance;
    return instance;
}

} // namespace gantry::core
