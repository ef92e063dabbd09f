#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <system_error>

#include "gantry/engine/result.hpp"

namespace gantry::protocols::mqtt {

// The append-only file of changes beside a snapshot (session_store:
// config/mqttSessions.journal beside mqttSessions.json). One record per
// change: u32 payload length, u32 CRC-32 (zlib) of the payload, both
// big-endian like every integer Gantry stores, then the payload; written
// with one write(), so once append() returns the record is in the page
// cache, which a kill -9 does not lose. With `sync_each`, sync() makes
// it survive a power loss too.
//
// Compaction, driven by the owner: under the owner's lock, its copy of the
// table and rotate() (the file becomes <journal>.old, new records go to a
// fresh one); then, without the lock, make_durable() of what rotate()
// returned, the snapshot, and drop_old(). A load reads the snapshot,
// <journal>.old if present, then <journal>. Records hold whole states or
// set one thing (a packet id in or out of a set), so replaying in order
// some that the snapshot already holds ends where the snapshot is, provided
// none is missing before the snapshot's copy: make_durable() sees to that
// before the snapshot replaces the old one.
//
// Not thread-safe: the owner serialises replay(), append(), size() and
// rotate(); sync() and make_durable() may run beside them.
class session_journal {
public:
    // An open journal file; append() tells which one a record went to.
    class file;

    // `journal`: config/mqttSessions.journal; `sync_each`: sync() calls fdatasync.
    session_journal(std::filesystem::path journal, bool sync_each);
    ~session_journal();
    session_journal(const session_journal&) = delete;
    session_journal& operator=(const session_journal&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

    // Hands every record's payload to `apply`, <journal>.old's first. A file
    // is cut at its first torn or corrupt record, with a warning saying how
    // many bytes went. An error from `apply` stops the replay and is
    // returned, the file untouched. An .old is made durable (it may come
    // from a process that a kill -9 ended before it was).
    std::error_code replay(const std::function<std::error_code(std::string_view)>& apply);

    // Appends one record. After an error, whatever part of it was written
    // is cut off before the next record.
    result<std::shared_ptr<file>> append(std::string_view payload);
    // With `sync_each`: fdatasync of `written` (and of the directory entry of a
    // new file) so that its records survive a power loss; else nothing.
    std::error_code sync(const std::shared_ptr<file>& written);
    // Bytes of the current file.
    std::uint64_t size() const noexcept;

    // New records go to a fresh file (made by the next append); the current
    // one becomes <journal>.old and is returned. When a compaction that
    // failed left an .old (made durable then), both stay as they are and the
    // current file is returned.
    result<std::shared_ptr<file>> rotate();
    // fdatasync of `covered`, whatever `sync_each` says.
    std::error_code make_durable(const std::shared_ptr<file>& covered);
    // Deletes <journal>.old: the snapshot holds its records.
    std::error_code drop_old();

private:
    std::error_code open_current();

    const std::filesystem::path path_;
    const std::filesystem::path old_path_;
    const bool sync_;
    std::shared_ptr<file> current_;
};

} // namespace gantry::protocols::mqtt
