#include "name_server_link.hpp"

#include <future>
#include <map>

#include <spdlog/spdlog.h>

#include "gantry/namesrv/register_broker_body.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/protocols/remoting/self_registration.hpp"

namespace gantry::broker {

namespace {

namespace remoting = protocols::remoting;

// A topic change reaches the name servers within this long.
constexpr auto version_check_interval = std::chrono::seconds(1);

std::vector<std::string> split_addresses(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find(';', start), text.size());
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

} // namespace

struct name_server_link::remote_state {
    remoting::client::client_runtime runtime;
    asio::steady_timer timer;
    core::data_version registered;
    std::chrono::steady_clock::time_point last_registration;
    // Per name server: whether the last registration succeeded, so the log
    // speaks once per change rather than every 30 s.
    std::map<std::string, bool> healthy;

    explicit remote_state(remoting::client::client_options options)
        : runtime(std::move(options)), timer(runtime.executor()) {}
};

name_server_link::name_server_link(const broker_config& config, core::core_engine& engine,
                                   remoting::broker_identity identity)
    : config_(config), engine_(engine), identity_(std::move(identity)), addresses_(split_addresses(config.namesrv_addr)) {
    if (addresses_.empty()) {
        embedded_ = std::make_unique<namesrv::name_server>();
        return;
    }
    remoting::client::client_options options;
    options.name_servers = addresses_;
    remote_ = std::make_unique<remote_state>(std::move(options));
}

name_server_link::~name_server_link() { stop(); }

remoting::name_server_access name_server_link::access() {
    return {embedded_.get(), [this](std::function<void()> done) { publish_topics(std::move(done)); }};
}

void name_server_link::publish_topics(std::function<void()> done) {
    if (embedded_) {
        refresh_embedded();
        return done();
    }
    asio::post(remote_->runtime.executor(), [this, done = std::move(done)]() mutable {
        if (engine_.topics().version() == remote_->registered) return done();
        register_remote(false, std::move(done));
    });
}

void name_server_link::refresh_embedded() {
    const auto version = engine_.topics().version();
    std::lock_guard lock(embedded_mutex_);
    if (embedded_version_ == version) return;
    embedded_->register_broker(remoting::self_registration(engine_.list_topics(), identity_));
    embedded_version_ = version;
}

void name_server_link::start() {
    if (embedded_) return refresh_embedded();
    asio::post(remote_->runtime.executor(), [this] {
        register_remote(true);
        tick();
    });
}

void name_server_link::tick() {
    remote_->timer.expires_after(version_check_interval);
    remote_->timer.async_wait([this](const boost::system::error_code& error) {
        if (error) return;
        const auto due = std::chrono::steady_clock::now() - remote_->last_registration >= config_.register_name_server_period;
        if (due || engine_.topics().version() != remote_->registered) register_remote(false);
        tick();
    });
}

// Runs on the runtime's thread.
void name_server_link::register_remote(bool announce, std::function<void()> done) {
    remote_->registered = engine_.topics().version();
    remote_->last_registration = std::chrono::steady_clock::now();
    const auto request = namesrv::make_register_broker_request(remoting::self_registration(engine_.list_topics(), identity_));
    auto waiting = std::make_shared<std::size_t>(addresses_.size());
    for (const auto& address : addresses_) {
        remote_->runtime.invoke(address, request, [this, address, announce, waiting, done](
                                                      result<remoting::remoting_command> response) {
            report(address, response, announce);
            if (--*waiting == 0 && done) done();
        });
    }
}

void name_server_link::report(const std::string& address, const result<remoting::remoting_command>& response,
                              bool announce) {
    auto log = spdlog::get("broker");
    if (!log) log = spdlog::default_logger();
    const bool ok = response && response->code == remoting::response_code::success;
    auto& healthy = remote_->healthy[address];
    if (ok && (!healthy || announce)) {
        log->info("registered {} ({}) with name server {}", identity_.broker_name, identity_.store_host, address);
    } else if (!ok && (healthy || announce)) {
        log->warn("cannot register with name server {}: {}; clients asking it will not find this broker until it "
                  "answers (check namesrvAddr and that gantry-namesrv runs there)",
                  address, response ? "it answered code " + std::to_string(response->code) + " " +
                                          response->remark.value_or("")
                                    : response.error().message());
    }
    healthy = ok;
}

void name_server_link::stop() {
    if (!remote_) return;
    std::promise<void> stopped;
    asio::post(remote_->runtime.executor(), [this, &stopped] {
        remote_->timer.cancel();
        stopped.set_value();
    });
    stopped.get_future().wait();
    for (const auto& address : addresses_) {
        auto unregister = namesrv::make_unregister_broker_request(identity_.cluster, identity_.broker_name,
                                                                 identity_.store_host, 0);
        remoting::client::wait_for<remoting::remoting_command>(remote_->runtime, [&](auto done) {
            remote_->runtime.invoke(address, std::move(unregister), std::move(done));
        });
    }
    remote_->runtime.stop();
    remote_.reset();
}

} // namespace gantry::broker
