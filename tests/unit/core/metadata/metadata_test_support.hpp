#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "../../support/temp_dir.hpp"

namespace gantry::core::metadata_testing {

using gantry::testing::temp_dir;

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::filesystem::path with_suffix(std::filesystem::path path, const char* suffix) {
    path += suffix;
    return path;
}

} // namespace gantry::core::metadata_testing
