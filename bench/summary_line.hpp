#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace gantry_bench {

// "summary mode=<mode> key=value ...": the one line per run every load tool
// (mqtt_load, stomp_load, amqp_load) prints for its bench script to parse.
class summary_line {
public:
    explicit summary_line(const char* mode) : text_(std::string("summary mode=") + mode) {}

    summary_line& add(const char* key, std::int64_t value) { return add_text(key, std::to_string(value)); }
    summary_line& add(const char* key, int value) { return add_text(key, std::to_string(value)); }
    summary_line& add(const char* key, double value) {
        char number[32];
        std::snprintf(number, sizeof number, "%.1f", value);
        return add_text(key, number);
    }
    summary_line& add(const char* key, const char* value) { return add_text(key, value); }

    void print() const {
        std::printf("%s\n", text_.c_str());
        std::fflush(stdout);
    }

private:
    summary_line& add_text(const char* key, const std::string& value) {
        text_ += ' ';
        text_ += key;
        text_ += '=';
        text_ += value;
        return *this;
    }

    std::string text_;
};

} // namespace gantry_bench
