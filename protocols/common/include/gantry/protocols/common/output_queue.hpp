#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <boost/container/deque.hpp>
#include <boost/container/small_vector.hpp>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::protocols::common {

// Bytes waiting for the peer, in send order: buffer descriptors plus the
// token that keeps their memory alive (a mapped commit-log segment for a
// zero-copy send), or bytes the queue owns. gather() hands the front chunks
// to one scatter/gather write; release_gathered() drops them once it
// completed.
class output_queue {
public:
    // At most this many buffers, and roughly this many bytes, per write: what
    // the kernel takes in one writev and a slice that keeps one connection
    // from holding its io thread for long.
    static constexpr std::size_t max_gather_buffers = 64;
    static constexpr std::size_t max_gather_bytes = 1024 * 1024;

    void push(std::span<const asio::const_buffer> buffers, std::shared_ptr<const void> keep_alive);
    // Queues bytes the queue takes ownership of.
    void push(std::vector<std::byte> bytes);
    void push(std::string bytes);
    // Queues a copy of `head`, then `tail`, whose bytes stay valid while
    // `keep_alive` lives: a frame around a payload sent from where it lies.
    // A head of up to inline_head_bytes is kept in the queue's own entry,
    // with no allocation.
    void push(std::span<const std::byte> head, std::span<const std::byte> tail, std::shared_ptr<const void> keep_alive);
    static constexpr std::size_t inline_head_bytes = 64;

    // Bytes queued, the ones being written included.
    std::size_t bytes() const noexcept { return bytes_; }
    bool empty() const noexcept { return entries_.empty(); }
    // Something is queued that no write has taken yet.
    bool has_ungathered() const noexcept { return entries_.size() > gathered_entries_; }

    // The buffers of whole chunks from the front (at least one chunk, however
    // large). Valid, and not gathered again, until release_gathered().
    std::span<const asio::const_buffer> gather();
    // The gathered chunks were written: drop them and their tokens.
    void release_gathered();

private:
    struct entry {
        // Most chunks are one or two buffers (a frame; a header and a payload).
        boost::container::small_vector<asio::const_buffer, 2> buffers;
        std::shared_ptr<const void> keep_alive;
        std::variant<std::monostate, std::vector<std::byte>, std::string,
                     boost::container::small_vector<std::byte, inline_head_bytes>>
            owned;
        std::size_t bytes = 0;
    };
    template <typename Bytes>
    void push_owned(Bytes bytes);

    // Unlike std::deque, allocates nothing until used; blocks of 16 entries
    // (~3 KiB), not the default 512 bytes (two entries), so that a busy
    // connection allocates a block every 16 sends. The queue is freed when
    // the connection goes quiet.
    using entry_deque = boost::container::deque<
        entry, void, boost::container::deque_options<boost::container::block_size<16u>>::type>;
    entry_deque entries_;
    std::vector<asio::const_buffer> gathered_;
    std::size_t gathered_entries_ = 0;
    std::size_t bytes_ = 0;
};

} // namespace gantry::protocols::common
