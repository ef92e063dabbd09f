// core_engine's view of consumer groups for administrators.
#include <map>
#include <string>
#include <vector>

#include "gantry/core/core_engine.hpp"

namespace gantry::core {

std::vector<engine::group_info> core_engine::list_groups() const {
    std::map<std::string, engine::group_info> found;
    // A committed offset is kept when no member is left: the group is durable.
    for (auto& name : offsets_.groups()) found.emplace(name, engine::group_info{name, 0, true});
    {
        std::shared_lock lock(mutex_);
        for (const auto& [name, group] : groups_) {
            auto& info = found.try_emplace(name, engine::group_info{name, 0, false}).first->second;
            info.members = group->members();
            info.durable = info.durable || group->durable();
        }
    }
    std::vector<engine::group_info> out;
    out.reserve(found.size());
    for (auto& [name, info] : found) out.push_back(std::move(info));
    return out;
}

} // namespace gantry::core
