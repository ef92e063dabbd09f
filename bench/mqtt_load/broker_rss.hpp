#pragma once

#include <cstdint>

namespace mqtt_load {

// A process's resident memory from /proc/<pid>/status, in KiB: all of it
// (VmRSS) and its anonymous part (RssAnon: heap and stacks, without the
// pages of mapped files such as a commit log, which the kernel may reclaim).
struct broker_rss {
    std::int64_t total_kib = 0;
    std::int64_t anon_kib = 0;
};

broker_rss read_broker_rss(int pid);

} // namespace mqtt_load
