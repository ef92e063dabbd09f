#include "gantry/core/retained_index.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "core_log.hpp"
#include "gantry/core/durable_file.hpp"
#include "gantry/core/message_codec.hpp"
#include "gantry/core/mqtt_filter.hpp"
#include "gantry/core/topic_config.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {

namespace {

// config/retained.index: "GRTN", u32 version, i64 log offset covered, u64
// count, then per entry u32 name length, name, i64 record offset; last a u32
// checksum (the store's masked CRC-32) of everything before it. Little-endian.
constexpr std::string_view snapshot_magic = "GRTN";
constexpr std::uint32_t snapshot_version = 1;
// Without changes, a snapshot is still rewritten once the log grew this much,
// so a replay after a crash stays short.
constexpr std::int64_t snapshot_log_growth = 64LL * 1024 * 1024;


template <typename T>
void put_le(std::string& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF));
}

class le_reader {
public:
    explicit le_reader(std::string_view data) : data_(data) {}
    template <typename T>
    bool get(T& value) {
        if (data_.size() - at_ < sizeof(T)) return false;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[at_ + i])) << (8 * i);
        at_ += sizeof(T);
        value = static_cast<T>(v);
        return true;
    }
    bool get(std::string_view& text, std::size_t size) {
        if (data_.size() - at_ < size) return false;
        text = data_.substr(at_, size);
        at_ += size;
        return true;
    }
    bool done() const { return at_ == data_.size(); }

private:
    std::string_view data_;
    std::size_t at_ = 0;
};

std::int32_t checksum(std::string_view data) { return store::body_crc32(store::as_bytes(data)); }

std::optional<std::string> read_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text;
    const auto failed = read_whole(fd, text);
    ::close(fd);
    if (failed) return std::nullopt; // as if absent: the whole log is replayed
    return text;
}

// Written beside the file, made durable, renamed over it, and the directory
// entry made durable: a crash leaves the old snapshot or the new one.
std::error_code write_atomically(const std::filesystem::path& path, const std::string& data) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return ec;
    const auto tmp = std::filesystem::path(path.string() + ".tmp");
    if ((ec = write_durably(tmp, data))) return ec;
    if (::rename(tmp.c_str(), path.c_str()) != 0) return last_os_error();
    return sync_parent_directory(path);
}

bool is_retained_record(const store::decoded_record& record) {
    return store::find_property(record.properties, header::retained).has_value();
}

} // namespace

retained_index::retained_index(store::message_store& store, std::filesystem::path root_dir,
                               std::chrono::milliseconds snapshot_interval)
    : store_(store),
      path_(root_dir / "config" / "retained.index"),
      snapshotter_("gantry-retained", snapshot_interval, [this] { snapshot_if_due(); }) {}

retained_index::~retained_index() { stop(); }

std::optional<std::string> retained_index::name_of(const store::decoded_record& record) {
    const auto topic = record.topic;
    if (is_system_topic(topic) || is_retry_topic(topic) || is_dlq_topic(topic)) return std::nullopt;
    if (store::find_property(record.properties, header::retry_topic)) return std::nullopt;
    std::string name(topic);
    const auto tag = store::find_property(record.properties, store::property::tags);
    if (tag && !tag->empty()) {
        name += '/';
        name += *tag;
    } else if (store::find_property(record.properties, mqtt_filter::trailing_level_property)) {
        name += '/';
    }
    return name;
}

std::error_code retained_index::start() {
    if (running_) return {};
    const auto began = std::chrono::steady_clock::now();
    std::int64_t from = 0;
    {
        std::unique_lock lock(mutex_);
        from = load_snapshot();
    }
    const auto loaded = size();
    replay(from);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
    core_log()->info("retained messages: {} names after loading {} from {} and replaying {} bytes of log ({} ms)",
                     size(), loaded, path_.string(), store_.commit_log_max_offset() - from, ms.count());
    running_ = true;
    snapshotter_.start();
    return {};
}

void retained_index::stop() {
    if (!running_) return;
    running_ = false;
    snapshotter_.stop();
    if (auto ec = write_snapshot())
        core_log()->error("cannot write the retained-message snapshot {}: {}; the next start replays the commit log "
                          "instead (slower, nothing is lost)",
                          path_.string(), ec.message());
}

std::int64_t retained_index::load_snapshot() {
    const auto data = read_file(path_);
    if (!data) return 0; // first start: the whole log
    const std::string_view text(*data);
    auto corrupt = [&](std::string_view why) -> std::int64_t {
        core_log()->warn("ignoring the retained-message snapshot {}: {}; rebuilding it from the commit log",
                         path_.string(), why);
        trie_ = retained_trie{};
        return 0;
    };
    if (text.size() < snapshot_magic.size() + 4 || text.substr(0, snapshot_magic.size()) != snapshot_magic)
        return corrupt("not a snapshot");
    const auto body = text.substr(0, text.size() - 4);
    le_reader tail(text.substr(text.size() - 4));
    std::uint32_t stored_sum = 0;
    tail.get(stored_sum);
    if (static_cast<std::int32_t>(stored_sum) != checksum(body)) return corrupt("checksum mismatch (torn write?)");
    le_reader in(body.substr(snapshot_magic.size()));
    std::uint32_t version = 0;
    std::int64_t covered = 0;
    std::uint64_t count = 0;
    if (!in.get(version) || version != snapshot_version) return corrupt("unknown version");
    if (!in.get(covered) || !in.get(count)) return corrupt("truncated header");
    if (covered > store_.commit_log_max_offset())
        return corrupt("it covers log the store no longer has (lost in a crash)");
    const auto min_offset = store_.commit_log_min_offset();
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint32_t size = 0;
        std::string_view name;
        std::int64_t offset = 0;
        if (!in.get(size) || !in.get(name, size) || !in.get(offset)) return corrupt("truncated entry");
        if (retained_trie::levels_of(name) > retained_trie::max_levels) return corrupt("a name with too many levels");
        if (offset >= min_offset) trie_.set(name, offset); // below: deleted by retention
    }
    if (!in.done()) return corrupt("trailing bytes");
    return covered;
}

void retained_index::replay(std::int64_t from) {
    const std::int64_t segment = store_.config().commit_log_file_size;
    const std::int64_t end = store_.commit_log_max_offset();
    std::int64_t offset = std::max(from, store_.commit_log_min_offset());
    std::unique_lock lock(mutex_);
    while (offset < end) {
        const auto ref = store_.read_record_at(offset);
        const auto record = ref ? store::decode_record(ref->bytes) : std::nullopt;
        if (!record) {
            // An end-of-segment blank (or a gap): the next segment.
            offset = (offset / segment + 1) * segment;
            continue;
        }
        offset += record->total_size;
        if (is_retained_record(*record)) apply(*record);
    }
    ++changes_;
}

void retained_index::apply(const store::decoded_record& record) {
    const auto name = name_of(record);
    if (!name || retained_trie::levels_of(*name) > retained_trie::max_levels) return;
    if (record.body.empty()) trie_.erase(*name);
    else trie_.set(*name, record.physical_offset);
}

result<store::append_result> retained_index::put(const store::message_to_store& m, std::string_view name,
                                                 bool clear) {
    std::unique_lock lock(mutex_);
    auto stored = store_.put(m);
    if (!stored) return stored.error();
    if (clear) trie_.erase(name);
    else trie_.set(name, stored->physical_offset);
    ++changes_;
    return stored;
}

std::vector<retained_index::found> retained_index::find(std::string_view filter,
                                                        const std::optional<std::string>& after, std::size_t limit,
                                                        std::optional<std::string>& next) {
    std::vector<retained_trie::entry> entries;
    bool more = false;
    {
        std::shared_lock lock(mutex_);
        more = trie_.match(filter, after, limit, entries);
    }
    next = more && !entries.empty() ? std::optional<std::string>(entries.back().name) : std::nullopt;
    std::vector<found> out;
    std::vector<const retained_trie::entry*> stale;
    for (auto& e : entries) {
        auto ref = store_.read_record_at(e.offset);
        auto record = ref ? store::decode_record(ref->bytes) : std::nullopt;
        // Deleted by retention, or (after a crash) another record now lies there.
        if (!record || !is_retained_record(*record) || record->body.empty() || name_of(*record) != e.name) {
            stale.push_back(&e);
            continue;
        }
        out.push_back({std::move(e.name), std::move(*ref), *record});
    }
    if (!stale.empty()) {
        std::unique_lock lock(mutex_);
        for (const auto* e : stale)
            if (trie_.erase(e->name, e->offset)) ++changes_;
    }
    return out;
}

std::size_t retained_index::size() const {
    std::shared_lock lock(mutex_);
    return trie_.size();
}

void retained_index::snapshot_if_due() {
    if (auto ec = write_snapshot())
        core_log()->warn("cannot write the retained-message snapshot {}: {}; retrying in the next interval",
                         path_.string(), ec.message());
}

std::error_code retained_index::write_snapshot() {
    std::lock_guard writer(snapshot_mutex_);
    std::string data;
    std::uint64_t changes = 0;
    std::int64_t covered = 0;
    std::vector<retained_trie::entry> expired;
    {
        // Appends of retained records take the lock exclusively, so every
        // retained record below `covered` is in the trie and none above it.
        std::shared_lock lock(mutex_);
        covered = store_.commit_log_max_offset();
        changes = changes_;
        if (changes == snapshot_changes_ && snapshot_log_offset_ >= 0 &&
            covered - snapshot_log_offset_ < snapshot_log_growth)
            return {};
        const auto min_offset = store_.commit_log_min_offset();
        data.append(snapshot_magic);
        put_le(data, snapshot_version);
        put_le(data, covered);
        const auto count_at = data.size();
        put_le(data, std::uint64_t{0});
        std::uint64_t count = 0;
        trie_.for_each([&](const std::string& name, std::int64_t offset) {
            if (offset < min_offset) {
                expired.push_back({name, offset}); // its record was deleted by retention
                return;
            }
            put_le(data, static_cast<std::uint32_t>(name.size()));
            data.append(name);
            put_le(data, offset);
            ++count;
        });
        for (std::size_t i = 0; i < sizeof count; ++i)
            data[count_at + i] = static_cast<char>((count >> (8 * i)) & 0xFF);
    }
    put_le(data, static_cast<std::uint32_t>(checksum(data)));
    if (auto ec = write_atomically(path_, data)) return ec;
    snapshot_changes_ = changes;
    snapshot_log_offset_ = covered;
    if (!expired.empty()) {
        std::unique_lock lock(mutex_);
        for (const auto& e : expired) trie_.erase(e.name, e.offset);
        core_log()->info("{} retained messages dropped: commit-log retention deleted their records", expired.size());
    }
    return {};
}

} // namespace gantry::core
