#pragma once

#include <cstdio>
#include <cstdlib>
#include <future>

namespace gantry::protocols::remoting::client {

template <typename T, typename Start>
result<T> wait_for(const client_runtime& runtime, Start start) {
    if (runtime.in_runtime_thread()) {
        std::fputs("gantry client: a blocking call was made from a client callback; use the asynchronous form\n",
                   stderr);
        std::abort();
    }
    std::promise<result<T>> promise;
    auto future = promise.get_future();
    start([&promise](result<T> outcome) { promise.set_value(std::move(outcome)); });
    return future.get();
}

} // namespace gantry::protocols::remoting::client
