#include "idle_run.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "broker_rss.hpp"
#include "mqtt_client.hpp"
#include "bench/summary_line.hpp"

namespace mqtt_load {

namespace {

// libmosquitto holds three descriptors per client (the socket and a wake-up
// pair), the WebSocket client four (the socket and its io_context's epoll,
// eventfd and timerfd), so 10,000 connections need more than one process
// under a 20,000 hard limit: each child process holds a share.
rlim_t descriptors_per_client(transport t) { return t == transport::websocket ? 4 : 3; }
constexpr rlim_t spare_descriptors = 64;
constexpr auto report_timeout = std::chrono::seconds(120);

struct idle_child {
    pid_t pid = -1;
    int report_fd = -1;  // the child writes "ok\n" or its error, then waits
    int release_fd = -1; // closing it lets the child disconnect and exit
};

rlim_t raise_descriptor_limit() {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_max;
}

// In the child: open `count` connections, report, hold them until released.
[[noreturn]] void hold_connections(const connection_options& connection, const std::string& prefix, int first,
                                   int count, int report_fd, int release_fd) {
    std::string report = "ok\n";
    std::vector<std::unique_ptr<mqtt_client>> clients;
    try {
        for (int i = first; i < first + count; ++i) {
            clients.push_back(make_client(connection, prefix + std::to_string(i), true));
            clients.back()->connect();
        }
    } catch (const std::exception& e) {
        report = "connection " + std::to_string(first + static_cast<int>(clients.size())) + ": " + e.what() + "\n";
    }
    (void)!::write(report_fd, report.data(), report.size());
    char byte;
    while (::read(release_fd, &byte, 1) > 0) {
    }
    for (auto& c : clients) {
        try {
            c->disconnect();
        } catch (const std::exception&) {
            // The broker may already have closed it; the child is leaving either way.
        }
    }
    ::_exit(0);
}

idle_child start_child(const connection_options& connection, const std::string& prefix, int first, int count,
                       const std::vector<idle_child>& earlier) {
    int report[2];
    int release[2];
    if (::pipe(report) != 0 || ::pipe(release) != 0) throw std::runtime_error("cannot create a pipe");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("cannot fork a process for idle connections");
    if (pid == 0) {
        ::close(report[0]);
        ::close(release[1]);
        // An earlier child's release pipe held open here would never let it go.
        for (const auto& c : earlier) {
            ::close(c.report_fd);
            ::close(c.release_fd);
        }
        hold_connections(connection, prefix, first, count, report[1], release[0]);
    }
    ::close(report[1]);
    ::close(release[0]);
    return {pid, report[0], release[1]};
}

// The child's report line, or why there is none.
std::string read_report(const idle_child& child, std::chrono::steady_clock::time_point deadline) {
    std::string line;
    while (line.empty() || line.back() != '\n') {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{child.report_fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "no report in time\n";
        char buffer[256];
        const auto n = ::read(child.report_fd, buffer, sizeof buffer);
        if (n <= 0) return "exited without a report\n";
        line.append(buffer, static_cast<std::size_t>(n));
    }
    return line;
}

void release(std::vector<idle_child>& children) {
    for (auto& c : children) {
        ::close(c.release_fd);
        ::close(c.report_fd);
        ::waitpid(c.pid, nullptr, 0);
    }
    children.clear();
}

} // namespace

void run_idle(const connection_options& connection, const idle_options& o) {
    const rlim_t limit = raise_descriptor_limit();
    const int per_child =
        static_cast<int>(std::max<rlim_t>(1, (limit - std::min(limit, spare_descriptors)) /
                                        descriptors_per_client(connection.transport)));
    // Nothing is read or written while the connections sit idle: a keep-alive
    // longer than the run keeps both sides from pinging.
    connection_options idle_connection = connection;
    idle_connection.keepalive = 3600;
    const std::string prefix = "mqtt-load-" + std::to_string(::getpid()) + "-idle-";

    const broker_rss before = read_broker_rss(o.broker_pid);
    const auto start = std::chrono::steady_clock::now();
    std::vector<idle_child> children;
    for (int first = 0; first < o.connections; first += per_child) {
        const int count = std::min(per_child, o.connections - first);
        children.push_back(start_child(idle_connection, prefix, first, count, children));
    }
    std::string failures;
    for (const auto& c : children) {
        const std::string report = read_report(c, start + report_timeout);
        if (report != "ok\n") failures += report;
    }
    const double connect_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!failures.empty()) {
        release(children);
        throw std::runtime_error("idle connections failed: " + failures.substr(0, failures.size() - 1));
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.settle_seconds));
    const broker_rss after = read_broker_rss(o.broker_pid);
    release(children);

    gantry_bench::summary_line("idle")
        .add("connections", o.connections)
        .add("processes", static_cast<int>((o.connections + per_child - 1) / per_child))
        .add("connect_seconds", connect_seconds)
        .add("rss_before_kib", before.total_kib)
        .add("rss_after_kib", after.total_kib)
        .add("anon_before_kib", before.anon_kib)
        .add("anon_after_kib", after.anon_kib)
        .add("bytes_per_connection", static_cast<double>(after.total_kib - before.total_kib) * 1024.0 / o.connections)
        .add("anon_bytes_per_connection",
             static_cast<double>(after.anon_kib - before.anon_kib) * 1024.0 / o.connections)
        .print();
}

} // namespace mqtt_load
