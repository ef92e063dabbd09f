// NACK (1.2 "NACK"): the named messages were not processed. Each goes back
// through the engine's retry topic with its back-off (messageDelayLevel),
// redelivered with a higher delivery count, and to the dead-letter topic
// after maxReconsumeTimes attempts. Named like ACK (ack.cpp).
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::handle_nack(const stomp_frame& frame) {
    if (version_ == stomp_version::v1_0) return fail("NACK is not part of STOMP 1.0", {}, &frame);
    settle_named(frame, engine::outcome::modified);
}

} // namespace gantry::protocols::stomp
