#include "broker_rss.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

namespace mqtt_load {

broker_rss read_broker_rss(int pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    std::ifstream status(path);
    broker_rss rss{-1, -1};
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") status >> rss.total_kib;
        if (key == "RssAnon:") status >> rss.anon_kib;
        status.ignore(1 << 16, '\n');
    }
    if (rss.total_kib < 0 || rss.anon_kib < 0) {
        throw std::runtime_error("cannot read VmRSS and RssAnon from " + path + " (is the broker still running?)");
    }
    return rss;
}

} // namespace mqtt_load
