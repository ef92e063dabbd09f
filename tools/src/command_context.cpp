#include "command_context.hpp"

#include "gantry/protocols/remoting/client/client_error.hpp"

namespace gantry::tools {

client::client_runtime& command_context::runtime() {
    if (!runtime_) {
        client::client_options options;
        options.name_servers.clear();
        std::size_t start = 0;
        while (start <= name_servers.size()) {
            const auto end = name_servers.find(';', start);
            const auto item = name_servers.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!item.empty()) options.name_servers.push_back(item);
            if (end == std::string::npos) break;
            start = end + 1;
        }
        if (options.name_servers.empty()) throw command_error("--namesrv names no address");
        options.request_timeout = std::chrono::milliseconds(timeout_ms);
        runtime_ = std::make_unique<client::client_runtime>(std::move(options));
    }
    return *runtime_;
}

std::string command_context::explain(std::error_code error) const {
    if (error == client::client_errc::no_route || error == client::client_errc::connect_failed)
        return error.message() + " (is a name server or gantryd listening on " + name_servers + "? see --namesrv)";
    return error.message();
}

} // namespace gantry::tools
