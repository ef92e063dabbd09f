#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace gantry::core {

// The POSIX steps every file Gantry keeps beside the log takes to reach the
// disk (json_file, the retained snapshot, the MQTT session journal).

// errno as an error_code.
std::error_code last_os_error() noexcept;
// The whole file open as `fd`, from its start, into `text`.
std::error_code read_whole(int fd, std::string& text);
// Writes all of `bytes` at `fd`'s position, through short and interrupted
// writes. After an error, a prefix of them may be in the file.
std::error_code write_all(int fd, std::string_view bytes);
// `path` holds exactly `bytes`, fsynced, when this returns without error.
std::error_code write_durably(const std::filesystem::path& path, std::string_view bytes);
// A file's creation, or a rename to it, is durable only once the directory
// holding it is: fsync of that directory.
std::error_code sync_parent_directory(const std::filesystem::path& file);

} // namespace gantry::core
