#include <string>

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// TopicConfigSerializeWrapper as 4.9.x writes it (spec 4.5, 2.5
// REGISTER_BROKER): keys alphabetical, compact; topicFilterType is always
// SINGLE_TAG, the only value Gantry keeps.
void get_all_topic_config(request_context ctx) {
    using json = nlohmann::json; // std::map objects: keys sorted, as fastjson writes beans
    const auto table = ctx.engine().list_topics();
    json topics = json::object();
    for (const auto& t : table.topics)
        topics[t.name] = json{{"order", t.order},
                              {"perm", t.perm},
                              {"readQueueNums", t.read_queue_nums},
                              {"topicFilterType", "SINGLE_TAG"},
                              {"topicName", t.name},
                              {"topicSysFlag", t.topic_sys_flag},
                              {"writeQueueNums", t.write_queue_nums}};
    const json body{{"dataVersion", {{"counter", table.version_counter}, {"timestamp", table.version_timestamp_ms}}},
                    {"topicConfigTable", std::move(topics)}};
    auto response = ctx.response(response_code::success);
    set_body(response, body.dump(-1, ' ', false, json::error_handler_t::replace));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
