// Work handed to an open handler_tail runs when the scope closes, on its
// executor only; anything else is posted as before.
#include "gantry/engine/handler_tail.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <string>

namespace gantry::engine {
namespace {

TEST(HandlerTail, WithoutAScopeWorkIsPosted) {
    asio::io_context io;
    std::string seen;
    handler_tail::run_or_post(io.get_executor(), [&] { seen += "a"; });
    EXPECT_EQ(seen, "");
    io.run();
    EXPECT_EQ(seen, "a");
}

TEST(HandlerTail, WorkForTheScopesExecutorRunsWhenTheScopeClosesInOrder) {
    asio::io_context io;
    std::string seen;
    {
        const handler_tail tail(io.get_executor());
        handler_tail::run_or_post(io.get_executor(), [&] { seen += "a"; });
        handler_tail::run_or_post(io.get_executor(), [&] {
            seen += "b";
            handler_tail::run_or_post(io.get_executor(), [&] { seen += "c"; });
        });
        seen += "-";
    }
    EXPECT_EQ(seen, "-abc") << "not inside the call that handed it over; work it hands over runs too";
    EXPECT_EQ(io.poll(), 0u) << "nothing was posted";
}

TEST(HandlerTail, WorkForAnotherExecutorIsPosted) {
    asio::io_context here;
    asio::io_context there;
    std::string seen;
    {
        const handler_tail tail(here.get_executor());
        handler_tail::run_or_post(there.get_executor(), [&] { seen += "x"; });
    }
    EXPECT_EQ(seen, "");
    there.run();
    EXPECT_EQ(seen, "x");
}

TEST(HandlerTail, NestedScopesEachRunTheirOwnWork) {
    asio::io_context outer_io;
    asio::io_context inner_io;
    std::string seen;
    {
        const handler_tail outer(outer_io.get_executor());
        handler_tail::run_or_post(outer_io.get_executor(), [&] { seen += "o"; });
        {
            const handler_tail inner(inner_io.get_executor());
            handler_tail::run_or_post(inner_io.get_executor(), [&] { seen += "i"; });
            handler_tail::run_or_post(outer_io.get_executor(), [&] { seen += "p"; });
        }
        EXPECT_EQ(seen, "i") << "the inner scope ran its own; work for the outer executor was posted";
    }
    EXPECT_EQ(seen, "io");
    outer_io.run();
    EXPECT_EQ(seen, "iop");
}

} // namespace
} // namespace gantry::engine
