// DISCONNECT (1.2 "DISCONNECT"): the RECEIPT leaves after every earlier
// SEND is stored, then the connection closes. Open transactions are aborted.
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::handle_disconnect(const stomp_frame& frame) {
    std::optional<std::string> receipt;
    if (const auto* r = frame.header("receipt")) receipt = *r;
    // Nothing after DISCONNECT is read.
    input_paused_ = true;
    conn_.pause_input();
    replies_.push_back({0, std::move(receipt), true});
    flush_replies();
}

} // namespace gantry::protocols::stomp
