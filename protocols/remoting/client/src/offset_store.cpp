#include "offset_store.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "broker_call.hpp"
#include "client_log.hpp"
#include "countdown.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

remoting_command offset_request(std::int32_t code, const std::string& group, const message_queue& queue) {
    auto request = make_request(code);
    request.set_ext("consumerGroup", group);
    request.set_ext("topic", queue.topic);
    request.set_ext("queueId", std::to_string(queue.queue_id));
    return request;
}

class remote_offset_store final : public offset_store {
public:
    remote_offset_store(client_runtime& runtime, std::string group) : runtime_(runtime), group_(std::move(group)) {}

    void read(const message_queue& queue, read_handler done) override {
        invoke_broker(runtime_, queue, offset_request(request_code::query_consumer_offset, group_, queue),
                      [done = std::move(done)](result<remoting_command> response) {
                          if (response && response->code == response_code::query_not_found)
                              return done(std::int64_t{-1});
                          response = expect_success(std::move(response));
                          if (!response) return done(response.error());
                          done(response_long(*response, "offset"));
                      });
    }

    void persist(const std::vector<message_queue>& queues, done_handler done) override {
        auto pending = std::make_shared<std::size_t>(1);
        auto finish_one = countdown(pending, std::move(done));
        for (const auto& queue : queues) {
            const auto it = offsets_.find(queue);
            if (it == offsets_.end()) continue;
            auto request = offset_request(request_code::update_consumer_offset, group_, queue);
            request.set_ext("commitOffset", std::to_string(it->second));
            ++*pending;
            invoke_broker(runtime_, queue, std::move(request),
                          [this, queue, offset = it->second, finish_one](result<remoting_command> response) {
                              response = expect_success(std::move(response));
                              if (!response)
                                  client_log()->warn("cannot commit offset {} of {}/{}/{} for group {}: {}; it is "
                                                     "committed again at the next persist",
                                                     offset, queue.topic, queue.broker_name, queue.queue_id, group_,
                                                     response.error().message());
                              finish_one();
                          });
        }
        finish_one();
    }

private:
    client_runtime& runtime_;
    const std::string group_;
};

class local_offset_store final : public offset_store {
public:
    explicit local_offset_store(std::string path) : path_(std::move(path)) { load(); }

    void read(const message_queue& queue, read_handler done) override {
        const auto it = stored_.find(queue);
        done(it == stored_.end() ? std::int64_t{-1} : it->second);
    }

    void persist(const std::vector<message_queue>& queues, done_handler done) override {
        for (const auto& queue : queues)
            if (const auto it = offsets_.find(queue); it != offsets_.end()) stored_[queue] = it->second;
        write();
        done();
    }

private:
    void load() {
        std::ifstream in(path_);
        if (!in) return;
        std::stringstream text;
        text << in.rdbuf();
        const auto root = nlohmann::json::parse(text.str(), nullptr, false);
        if (root.is_discarded() || !root.is_object() || !root.contains("offsetTable") ||
            !root["offsetTable"].is_array()) {
            client_log()->warn("the offset file {} is not valid JSON; the consumer starts as if it had no offsets "
                               "(delete or fix the file)",
                               path_);
            return;
        }
        for (const auto& entry : root["offsetTable"]) {
            try {
                stored_[{entry.at("topic").get<std::string>(), entry.at("brokerName").get<std::string>(),
                         entry.at("queueId").get<std::int32_t>()}] = entry.at("offset").get<std::int64_t>();
            } catch (const std::exception&) {
                client_log()->warn("the offset file {} has an entry that is not a queue and offset; it is skipped",
                                   path_);
            }
        }
    }

    void write() {
        auto table = nlohmann::json::array();
        for (const auto& [queue, offset] : stored_)
            table.push_back({{"brokerName", queue.broker_name},
                             {"offset", offset},
                             {"queueId", queue.queue_id},
                             {"topic", queue.topic}});
        const std::filesystem::path path(path_);
        const auto temporary = path.string() + ".tmp";
        std::error_code ec;
        if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << nlohmann::json{{"offsetTable", table}}.dump();
            if (!out.flush()) ec = std::make_error_code(std::errc::io_error);
        }
        if (!ec) std::filesystem::rename(temporary, path, ec);
        if (ec)
            client_log()->warn("cannot write the offset file {}: {}; offsets are kept in memory and written again "
                               "at the next persist",
                               path_, ec.message());
    }

    const std::string path_;
    std::map<message_queue, std::int64_t> stored_;
};

} // namespace

std::unique_ptr<offset_store> make_remote_offset_store(client_runtime& runtime, std::string group) {
    return std::make_unique<remote_offset_store>(runtime, std::move(group));
}

std::unique_ptr<offset_store> make_local_offset_store(std::string path) {
    return std::make_unique<local_offset_store>(std::move(path));
}

std::string default_offset_file(const std::string& client_id, const std::string& group) {
    const char* home = std::getenv("HOME");
    const std::filesystem::path root = home ? home : ".";
    return (root / ".rocketmq_offsets" / client_id / group / "offsets.json").string();
}

} // namespace gantry::protocols::remoting::client
