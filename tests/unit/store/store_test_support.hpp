#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gantry/store/message_record.hpp"
#include "gantry/store/message_store.hpp"
#include "gantry/store/store_config.hpp"
#include "../support/temp_dir.hpp"

namespace gantry::store::testing {

using gantry::testing::temp_dir;

// Small files so tests roll segments and stay fast.
inline store_config small_config(const std::filesystem::path& root) {
    store_config c;
    c.root_dir = root;
    c.commit_log_file_size = 64 * 1024;
    c.consume_queue_file_size = 100 * 20;
    c.max_hash_slot_num = 64;
    c.max_index_num = 400;
    c.flush_interval = std::chrono::milliseconds(50);
    c.flush_consume_queue_interval = std::chrono::milliseconds(50);
    c.clean_resource_interval = std::chrono::hours(1); // tests call run_once themselves
    c.max_message_size = 32 * 1024;
    return c;
}

// A message whose body and properties the test keeps alive.
struct test_message {
    std::string topic;
    std::int32_t queue_id = 0;
    std::string body;
    std::string properties;

    message_to_store view() const {
        message_to_store m;
        m.topic = topic;
        m.queue_id = queue_id;
        m.body = as_bytes(body);
        m.properties = properties;
        m.born_timestamp = 1'700'000'000'000;
        m.born_host = socket_address::ipv4(127, 0, 0, 1, 40000);
        return m;
    }
};

inline std::string body_of(const bytes_view record) {
    auto d = decode_record(record);
    return d ? std::string(as_chars(d->body)) : std::string("<undecodable>");
}

// Waits (bounded) until the dispatcher has queued everything appended so far.
inline bool wait_dispatched(const message_store& store) {
    for (int i = 0; i < 5000 && store.dispatched_offset() < store.commit_log_max_offset(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return store.dispatched_offset() == store.commit_log_max_offset();
}

// One mapping of a file in this process, from /proc/self/smaps (proc(5)).
// How many pages of [from, from + length) of `path` are in the page cache
// (mincore(2) on a mapping of our own).
inline std::int64_t cached_pages(const std::filesystem::path& path, std::int64_t from, std::int64_t length) {
    constexpr std::int64_t page = mapped_file::page_size;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    void* p = ::mmap(nullptr, static_cast<std::size_t>(length), PROT_READ, MAP_SHARED, fd, from);
    ::close(fd);
    if (p == MAP_FAILED) return -1;
    std::vector<unsigned char> resident(static_cast<std::size_t>((length + page - 1) / page));
    std::int64_t count = -1;
    if (::mincore(p, static_cast<std::size_t>(length), resident.data()) == 0) {
        count = 0;
        for (unsigned char r : resident) count += r & 1;
    }
    ::munmap(p, static_cast<std::size_t>(length));
    return count;
}

struct file_mapping {
    std::int64_t bytes = 0;
    std::string vm_flags; // "VmFlags: rd wr ... ", space-terminated
};

inline std::vector<file_mapping> mappings_of(const std::filesystem::path& file) {
    std::vector<file_mapping> found;
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool in_file = false;
    while (std::getline(smaps, line)) {
        if (line.ends_with(" " + file.string())) {
            in_file = true;
            found.emplace_back();
        } else if (in_file && line.starts_with("Size:")) {
            found.back().bytes = std::stoll(line.substr(5)) * 1024;
        } else if (in_file && line.starts_with("VmFlags:")) {
            found.back().vm_flags = line + " ";
            in_file = false;
        }
    }
    return found;
}

} // namespace gantry::store::testing
