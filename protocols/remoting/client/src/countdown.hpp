#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace gantry::protocols::remoting::client {

// Joins asynchronous calls: the returned function, called once per
// `*pending` (the caller counts its own call, made after starting the
// others), runs `done` at the last call. Single-threaded (the runtime's).
inline std::function<void()> countdown(std::shared_ptr<std::size_t> pending, std::function<void()> done) {
    return [pending = std::move(pending), done = std::move(done)] {
        if (--*pending == 0 && done) done();
    };
}

} // namespace gantry::protocols::remoting::client
