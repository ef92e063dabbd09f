#pragma once

#include "../request_context.hpp"

// One function per request code, each in handlers/<name>.cpp.
namespace gantry::protocols::remoting::handlers {

void send_message(request_context ctx);         // 10, long header names
void send_message_v2(request_context ctx);      // 310, keys a..n
void send_batch_message(request_context ctx);   // 320, refused for now
void pull_message(request_context ctx);         // 11
void query_consumer_offset(request_context ctx); // 14
void update_consumer_offset(request_context ctx); // 15
void get_max_offset(request_context ctx);       // 30
void get_min_offset(request_context ctx);       // 31
void heart_beat(request_context ctx);           // 34
void unregister_client(request_context ctx);    // 35

} // namespace gantry::protocols::remoting::handlers
