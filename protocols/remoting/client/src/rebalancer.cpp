#include "rebalancer.hpp"

#include <algorithm>

namespace gantry::protocols::remoting::client {

std::vector<message_queue> allocate_averagely(const std::string& client_id, std::vector<std::string> clients,
                                              std::vector<message_queue> queues) {
    std::sort(clients.begin(), clients.end());
    clients.erase(std::unique(clients.begin(), clients.end()), clients.end());
    std::sort(queues.begin(), queues.end());
    const auto me = std::find(clients.begin(), clients.end(), client_id);
    if (me == clients.end() || queues.empty()) return {};
    const auto index = static_cast<std::size_t>(me - clients.begin());
    const auto n = queues.size();
    const auto mod = n % clients.size();
    const std::size_t average = n <= clients.size() ? 1 : (mod > 0 && index < mod ? n / clients.size() + 1 : n / clients.size());
    const std::size_t start = mod > 0 && index < mod ? index * average : index * average + mod;
    std::vector<message_queue> mine;
    for (std::size_t i = 0; start < n && i < std::min(average, n - start); ++i) mine.push_back(queues[(start + i) % n]);
    return mine;
}

} // namespace gantry::protocols::remoting::client
