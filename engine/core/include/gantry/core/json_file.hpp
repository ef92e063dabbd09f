#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/result.hpp"

namespace gantry::core {

// One JSON metadata document under <storePathRootDir>/config, saved the way
// RocketMQ's ConfigManager saves it: the previous version stays beside it as
// <file>.bak. A save writes <file>.tmp, makes it durable and renames it over
// the file, so a crash leaves the old or the new document, never part of one.
class json_file {
public:
    // Checks a document and takes it in; an error means "not usable". It must
    // leave its target untouched when it fails, since the backup is tried next.
    using decoder = std::function<std::error_code(const nlohmann::json&)>;

    explicit json_file(std::filesystem::path path);

    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path backup_path() const;

    // Hands the file's document to `decode`, or its backup's when the file is
    // missing, empty, not JSON or refused by `decode`. After a recovery from
    // the backup, an unusable file is kept as <file>.corrupt and the backup
    // becomes the file again. false: neither file exists (a first start).
    // core_errc::metadata_corrupt: neither is usable; both stay as they are.
    result<bool> load(const decoder& decode) const;

    // Not safe to run concurrently for one file: the owner serialises saves.
    std::error_code save(const nlohmann::json& document) const;
    // The same, and a failure is logged as one that loses `what` (e.g. "the
    // topic table") if the broker stops before the next successful save.
    std::error_code save(const nlohmann::json& document, std::string_view what) const;

private:
    void keep_backup() const;
    void restore_from_backup(const std::string& text, bool file_exists) const;

    std::filesystem::path path_;
};

} // namespace gantry::core
