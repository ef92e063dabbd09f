#include "gantry/store/append_window.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>

namespace gantry::store {

result<mutable_bytes> append_window::bytes(const mapped_file_ptr& file, std::int64_t position, std::int64_t length) {
    const bool inside = file == file_ && position >= from_ && position + length <= from_ + length_;
    if (!inside) {
        unmap();
        const std::int64_t from = position / mapped_file::page_size * mapped_file::page_size;
        const std::int64_t end = std::min(file->size(), std::max(from + size_, position + length));
        void* p = ::mmap(nullptr, static_cast<std::size_t>(end - from), PROT_READ | PROT_WRITE, MAP_SHARED,
                         file->descriptor(), from);
        if (p == MAP_FAILED) return std::error_code(errno, std::system_category());
        // As for the segment itself (mapped_file::advise): a fault on unwritten
        // blocks must not zero a readahead window in the appending thread.
        ::madvise(p, static_cast<std::size_t>(end - from), MADV_RANDOM);
        file_ = file;
        data_ = static_cast<std::byte*>(p);
        from_ = from;
        length_ = end - from;
    }
    return mutable_bytes{data_ + (position - from_), static_cast<std::size_t>(length)};
}

void append_window::unmap() noexcept {
    if (data_) ::munmap(data_, static_cast<std::size_t>(length_));
    data_ = nullptr;
    file_ = nullptr;
    length_ = 0;
}

} // namespace gantry::store
