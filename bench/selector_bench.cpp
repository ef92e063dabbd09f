// Measures the selector engine against issue #3's target: at least
// 5,000,000 evaluations/s of a five-term selector, without allocating.
// Run from a Release build:
//   build/release/bin/selector_bench --seconds 2
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/core/selector/selector.hpp"

namespace {

// Every allocation in the process, so the bench can show evaluation makes none.
std::atomic<std::size_t> allocations{0};

using namespace gantry::core;
using steady = std::chrono::steady_clock;

constexpr std::string_view five_terms =
    "region = 'eu' AND priority > 5 AND price BETWEEN 10 AND 100 AND type IN ('a','b') AND name LIKE 'abc%'";

// A message as the engine will present a small record: a flat list of
// name/value pairs searched in order.
class flat_subject final : public selector_subject {
public:
    explicit flat_subject(std::vector<std::pair<std::string_view, selector_value>> values)
        : values_(std::move(values)) {}
    selector_value property(std::string_view name) const override {
        for (const auto& [n, v] : values_)
            if (n == name) return v;
        return {};
    }

private:
    std::vector<std::pair<std::string_view, selector_value>> values_;
};

flat_subject typed(std::string_view region, std::string_view name) {
    return flat_subject({{"region", selector_value::string(region)},
                         {"priority", selector_value::integer(7)},
                         {"price", selector_value::real(42.5)},
                         {"type", selector_value::string("a")},
                         {"name", selector_value::string(name)},
                         {"JMSType", selector_value::string("order")}});
}

// MQTT user properties and STOMP headers: every value is text.
flat_subject textual() {
    return flat_subject({{"region", selector_value::string("eu")},
                         {"priority", selector_value::string("7")},
                         {"price", selector_value::string("42.5")},
                         {"type", selector_value::string("a")},
                         {"name", selector_value::string("abcdef")}});
}

void run_case(const char* label, const selector& s, const selector_subject& subject, bool expected, double seconds) {
    if (s.matches(subject) != expected) {
        std::fprintf(stderr, "%s: selector gave %d, expected %d\n", label, !expected, expected);
        std::exit(1);
    }
    std::size_t evaluations = 0;
    std::size_t matched = 0;
    const std::size_t allocations_before = allocations.load();
    const auto start = steady::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    do {
        for (int i = 0; i < 4096; ++i) matched += s.matches(subject) ? 1 : 0;
        evaluations += 4096;
    } while (steady::now() < deadline);
    const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
    const std::size_t allocated = allocations.load() - allocations_before;
    const double rate = static_cast<double>(evaluations) / elapsed;
    std::printf("%-34s %12.0f eval/s  %6.1f ns/eval  %.2fx target (>= 5000000)  allocations: %zu  (matched %zu)\n",
                label, rate, 1e9 / rate, rate / 5e6, allocated, matched);
}

void compile_time(double seconds) {
    std::size_t compiled = 0;
    const auto start = steady::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    do {
        for (int i = 0; i < 256; ++i) compiled += selector::compile(five_terms).has_value() ? 1 : 0;
    } while (steady::now() < deadline);
    const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
    std::printf("%-34s %12.2f us/compile\n", "parse + compile, five terms", elapsed * 1e6 / static_cast<double>(compiled));
}

} // namespace

// Counting replacements of the global allocation functions. GCC cannot
// see that this new and delete pair up, hence the pragma.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
    CLI::App app{"Gantry selector benchmark"};
    double seconds = 2;
    app.add_option("--seconds", seconds, "duration of each case");
    CLI11_PARSE(app, argc, argv);

    gantry::core::selector_diagnostic diagnostic;
    auto compiled = selector::compile(five_terms, diagnostic);
    if (!compiled) {
        std::fprintf(stderr, "%s\n", diagnostic.to_string().c_str());
        return 1;
    }
    const selector& s = *compiled;
    std::printf("selector: %s\n", std::string(five_terms).c_str());
    run_case("typed subject, matches", s, typed("eu", "abcdef"), true, seconds);
    run_case("typed subject, first term false", s, typed("us", "abcdef"), false, seconds);
    run_case("typed subject, last term false", s, typed("eu", "xyz"), false, seconds);
    run_case("string-valued subject, matches", s, textual(), true, seconds);
    compile_time(seconds);
    return 0;
}
