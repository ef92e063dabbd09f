#include "gantry/protocols/remoting/client/client_runtime.hpp"

#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "channel_pool.hpp"
#include "client_log.hpp"
#include "request.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"

namespace gantry::protocols::remoting::client {

namespace {

std::string make_client_id() {
    static std::atomic<int> instances{0};
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return std::string(host) + "@" + std::to_string(::getpid()) + "#" + std::to_string(instances++);
}

} // namespace

struct client_runtime::state {
    struct cached_route {
        std::shared_ptr<const topic_route> route;
        std::chrono::steady_clock::time_point fetched;
        std::vector<route_handler> waiting; // non-empty while asking
    };

    asio::io_context context;
    asio::executor_work_guard<asio::io_context::executor_type> work{context.get_executor()};
    std::thread thread;
    std::atomic<std::thread::id> thread_id;
    std::vector<request_listener> listeners;
    channel_pool channels;
    std::map<std::string, cached_route, std::less<>> routes;

    explicit state(const client_options& options)
        : channels(context.get_executor(), options.connect_timeout,
                   [this](const std::shared_ptr<channel>& from, const remoting_command& request) {
                       for (const auto& l : listeners) l(from->address(), request);
                   }) {}

    void ask_name_servers(const client_options& options, remoting_command request, std::size_t index,
                          response_handler done) {
        if (index >= options.name_servers.size()) return done(client_errc::no_route);
        const auto& address = options.name_servers[index];
        channels.get(address, [this, &options, request, index, address, done = std::move(done)](
                                  result<std::shared_ptr<channel>> ch) mutable {
            if (!ch) return ask_name_servers(options, std::move(request), index + 1, std::move(done));
            (*ch)->request(request, options.request_timeout,
                           [this, &options, request, index, done = std::move(done)](
                               result<remoting_command> response) mutable {
                if (!response) return ask_name_servers(options, std::move(request), index + 1, std::move(done));
                done(std::move(response));
            });
        });
    }
};

client_runtime::client_runtime(client_options options)
    : options_(std::move(options)), client_id_(make_client_id()), state_(std::make_unique<state>(options_)) {
    state_->thread = std::thread([s = state_.get()] {
        s->thread_id = std::this_thread::get_id();
        s->context.run();
    });
}

client_runtime::~client_runtime() { stop(); }

void client_runtime::stop() {
    if (!state_->thread.joinable()) return;
    asio::post(state_->context, [s = state_.get()] {
        s->channels.close_all();
        s->work.reset();
    });
    state_->thread.join();
}

asio::any_io_executor client_runtime::executor() const { return state_->context.get_executor(); }

bool client_runtime::in_runtime_thread() const noexcept { return state_->thread_id == std::this_thread::get_id(); }

void client_runtime::add_request_listener(request_listener listener) {
    asio::post(state_->context, [s = state_.get(), l = std::move(listener)]() mutable {
        s->listeners.push_back(std::move(l));
    });
}

void client_runtime::invoke(std::string address, remoting_command request, response_handler done,
                            std::optional<std::chrono::milliseconds> timeout) {
    asio::post(state_->context, [this, address = std::move(address), request = std::move(request),
                                 done = std::move(done), timeout]() mutable {
        state_->channels.get(address, [this, request = std::move(request), done = std::move(done),
                                       timeout](result<std::shared_ptr<channel>> ch) mutable {
            if (!ch) return done(ch.error());
            (*ch)->request(std::move(request), timeout.value_or(options_.request_timeout), std::move(done));
        });
    });
}

void client_runtime::invoke_oneway(std::string address, remoting_command request) {
    asio::post(state_->context, [this, address = std::move(address), request = std::move(request)]() mutable {
        state_->channels.get(address, [request = std::move(request)](result<std::shared_ptr<channel>> ch) mutable {
            if (ch) (*ch)->oneway(std::move(request));
        });
    });
}

void client_runtime::invoke_name_server(remoting_command request, response_handler done) {
    asio::post(state_->context, [this, request = std::move(request), done = std::move(done)]() mutable {
        state_->ask_name_servers(options_, std::move(request), 0, std::move(done));
    });
}

void client_runtime::route(std::string topic, route_handler done, bool refresh) {
    asio::post(state_->context, [this, topic = std::move(topic), done = std::move(done), refresh]() mutable {
        auto& cached = state_->routes[topic];
        const auto now = std::chrono::steady_clock::now();
        if (!refresh && cached.route && now - cached.fetched < options_.route_refresh) return done(cached.route);
        cached.waiting.push_back(std::move(done));
        if (cached.waiting.size() > 1) return;
        auto request = make_request(request_code::get_routeinfo_by_topic);
        request.set_ext("topic", topic);
        state_->ask_name_servers(options_, std::move(request), 0,
                                 [this, topic](result<remoting_command> response) {
            auto& entry = state_->routes[topic];
            result<std::shared_ptr<const topic_route>> outcome = client_errc::no_route;
            if (!response) {
                outcome = response.error();
            } else if (response->code != response_code::success) {
                outcome = response_error(response->code);
            } else {
                const std::string_view body(reinterpret_cast<const char*>(response->body.data()), response->body.size());
                auto parsed = parse_topic_route(body);
                if (parsed) {
                    entry.route = std::make_shared<const topic_route>(std::move(*parsed));
                    entry.fetched = std::chrono::steady_clock::now();
                    outcome = entry.route;
                } else {
                    outcome = parsed.error();
                }
            }
            auto waiting = std::move(entry.waiting);
            entry.waiting.clear();
            for (auto& w : waiting) w(outcome);
        });
    });
}

} // namespace gantry::protocols::remoting::client
