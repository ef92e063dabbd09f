#include "gantry/store/mapped_file_queue.hpp"

#include <algorithm>
#include <charconv>

#include "gantry/store/store_error.hpp"
#include "store_log.hpp"

namespace gantry::store {

namespace {

bool parse_file_name(const std::string& name, std::int64_t& offset) {
    if (name.size() != 20) return false;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), offset);
    return ec == std::errc{} && end == name.data() + name.size();
}

} // namespace

mapped_file_queue::mapped_file_queue(std::filesystem::path dir, std::int64_t file_size)
    : dir_(std::move(dir)), file_size_(file_size) {}

std::error_code mapped_file_queue::load() {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return ec;
    std::vector<std::pair<std::int64_t, std::filesystem::path>> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        std::int64_t offset = 0;
        if (mapped_file::remove_if_unfinished(entry.path())) continue;
        if (!entry.is_regular_file() || !parse_file_name(entry.path().filename().string(), offset)) continue;
        found.emplace_back(offset, entry.path());
    }
    if (ec) return ec;
    std::sort(found.begin(), found.end());
    std::vector<mapped_file_ptr> loaded;
    for (std::size_t i = 0; i < found.size(); ++i) {
        const auto& [offset, path] = found[i];
        if (offset % file_size_ != 0 || (!loaded.empty() && offset != loaded.back()->from_offset() + file_size_)) {
            store_log()->error("{} does not continue the files before it (file size {}); a file is missing or "
                               "the size setting changed: restore the file or the setting",
                               path.string(), file_size_);
            return store_errc::corrupt_file;
        }
        auto file = mapped_file::open(path, offset, file_size_, i + 1 == found.size());
        if (!file) {
            store_log()->error("cannot map {}: {} (expected {} bytes); was the size setting changed?",
                               path.string(), file.error().message(), file_size_);
            return file.error();
        }
        (*file)->set_wrote_position(file_size_);
        (*file)->set_flushed_position(file_size_);
        loaded.push_back(std::move(*file));
    }
    std::unique_lock lock(files_mutex_);
    files_ = std::move(loaded);
    return {};
}

std::vector<mapped_file_ptr> mapped_file_queue::files() const {
    std::shared_lock lock(files_mutex_);
    return files_;
}

mapped_file_ptr mapped_file_queue::first_file() const {
    std::shared_lock lock(files_mutex_);
    return files_.empty() ? nullptr : files_.front();
}

mapped_file_ptr mapped_file_queue::last_file() const {
    std::shared_lock lock(files_mutex_);
    return files_.empty() ? nullptr : files_.back();
}

bool mapped_file_queue::empty() const {
    std::shared_lock lock(files_mutex_);
    return files_.empty();
}

mapped_file_ptr mapped_file_queue::find(std::int64_t offset) const {
    std::shared_lock lock(files_mutex_);
    if (files_.empty() || offset < files_.front()->from_offset()) return nullptr;
    const auto index = static_cast<std::size_t>((offset - files_.front()->from_offset()) / file_size_);
    return index < files_.size() ? files_[index] : nullptr;
}

result<mapped_file_ptr> mapped_file_queue::last_file_for_append(std::int64_t offset) {
    {
        std::shared_lock lock(files_mutex_);
        if (!files_.empty() && !files_.back()->is_full()) return advised_for_append(files_.back());
    }
    std::int64_t start = offset / file_size_ * file_size_;
    {
        std::shared_lock lock(files_mutex_);
        if (!files_.empty()) start = files_.back()->from_offset() + file_size_;
    }
    auto file = mapped_file::create(dir_, start, file_size_);
    if (!file) return file.error();
    {
        std::unique_lock lock(files_mutex_);
        files_.push_back(*file);
    }
    return advised_for_append(*file);
}

mapped_file_ptr mapped_file_queue::advised_for_append(mapped_file_ptr file) {
    // By owner, not by address: the weak reference keeps its control block,
    // so a new file cannot look like a removed one.
    const bool same = !appending_.owner_before(file) && !file.owner_before(appending_);
    if (!same) {
        if (auto previous = appending_.lock()) previous->advise(mapped_file::readahead::sequential);
        file->advise(mapped_file::readahead::none);
        appending_ = file;
    }
    return file;
}

std::int64_t mapped_file_queue::min_offset() const {
    auto f = first_file();
    return f ? f->from_offset() : 0;
}

std::int64_t mapped_file_queue::max_offset() const {
    auto f = last_file();
    return f ? f->from_offset() + f->wrote_position() : 0;
}

std::int64_t mapped_file_queue::flushed_offset() const {
    return flushed_where_.load(std::memory_order_acquire);
}

void mapped_file_queue::set_flushed_offset(std::int64_t offset) {
    flushed_where_.store(offset, std::memory_order_release);
}

result<std::int64_t> mapped_file_queue::flush(int least_pages) {
    std::lock_guard guard(flush_mutex_);
    std::int64_t flushed = flushed_offset();
    for (const auto& file : files()) {
        if (file->from_offset() + file->size() <= flushed) continue;
        auto r = file->flush(least_pages);
        if (!r) return r.error();
        flushed = file->from_offset() + *r;
        if (*r < file->size()) break;
    }
    set_flushed_offset(flushed);
    return flushed;
}

void mapped_file_queue::drop_cache_before(std::int64_t offset) {
    std::lock_guard guard(flush_mutex_);
    offset = std::min(offset, flushed_offset());
    for (const auto& file : files()) {
        if (file->from_offset() >= offset) break;
        file->drop_cache_before(offset - file->from_offset());
    }
}

void mapped_file_queue::truncate(std::int64_t offset) {
    std::vector<mapped_file_ptr> removed;
    {
        std::unique_lock lock(files_mutex_);
        while (!files_.empty() && files_.back()->from_offset() >= offset && offset >= 0) {
            if (files_.back()->from_offset() == offset && files_.size() == 1) break;
            removed.push_back(files_.back());
            files_.pop_back();
        }
        if (!files_.empty()) {
            auto& last = files_.back();
            const auto position = std::clamp<std::int64_t>(offset - last->from_offset(), 0, last->size());
            last->truncate(position);
        }
    }
    if (flushed_offset() > offset) set_flushed_offset(offset);
    for (auto& f : removed) f->remove();
}

int mapped_file_queue::remove_head_files(const std::function<bool(const mapped_file&)>& expired) {
    std::vector<mapped_file_ptr> removed;
    {
        std::unique_lock lock(files_mutex_);
        std::size_t n = 0;
        while (n + 1 < files_.size() && expired(*files_[n])) ++n;
        removed.assign(files_.begin(), files_.begin() + static_cast<std::ptrdiff_t>(n));
        files_.erase(files_.begin(), files_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    for (auto& f : removed) f->remove();
    return static_cast<int>(removed.size());
}

void mapped_file_queue::remove_all() {
    std::vector<mapped_file_ptr> removed;
    {
        std::unique_lock lock(files_mutex_);
        removed.swap(files_);
    }
    for (auto& f : removed) f->remove();
}

} // namespace gantry::store
