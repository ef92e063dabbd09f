#include "stomp_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <stdexcept>

namespace stomp_load {

namespace {

constexpr std::size_t read_chunk = 64 * 1024;

std::string describe_error_frame(const stomp::stomp_frame& frame) {
    std::string text = "broker sent ERROR";
    if (const auto* message = frame.header("message")) text += ": " + *message;
    if (!frame.body.empty()) text += " (" + frame.body.substr(0, 200) + ")";
    return text;
}

} // namespace

stomp_client::stomp_client(const connection_options& options, std::string name)
    : options_(options), name_(std::move(name)), socket_(io_), in_(4 * read_chunk) {}

void stomp_client::connect() {
    boost::system::error_code ec;
    boost::asio::ip::tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) fail("cannot resolve " + options_.host + ": " + ec.message());
    bool tcp_done = false;
    boost::asio::async_connect(socket_, endpoints, [&](const boost::system::error_code& e, const auto&) {
        tcp_done = true;
        if (e) error_ = "cannot connect to " + options_.host + ":" + std::to_string(options_.port) + ": " + e.message();
    });
    wait_for([&] { return tcp_done; }, "TCP connection");
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));

    stomp::stomp_frame frame;
    frame.command = stomp::stomp_command::connect;
    frame.add("accept-version", "1.2");
    frame.add("host", "localhost");
    frame.add("heart-beat", "0,0");
    if (!options_.login.empty()) {
        frame.add("login", options_.login);
        frame.add("passcode", options_.passcode);
    }
    auto handler = std::move(on_frame);
    on_frame = [&](stomp::stomp_frame& f) {
        if (f.command != stomp::stomp_command::connected)
            error_ = "expected CONNECTED, got " + std::string(stomp::command_name(f.command));
        connected_ = true;
    };
    start_read();
    send(frame);
    wait_for([&] { return connected_; }, "CONNECTED");
    on_frame = std::move(handler);
}

void stomp_client::disconnect() {
    if (!socket_.is_open()) return;
    stomp::stomp_frame frame;
    frame.command = stomp::stomp_command::disconnect;
    frame.add("receipt", "disconnect");
    bool done = false;
    on_frame = [&](stomp::stomp_frame& f) {
        const auto* id = f.header("receipt-id");
        if (f.command == stomp::stomp_command::receipt && id && *id == "disconnect") done = true;
    };
    closing_ = true;
    send(frame);
    // A broker may close instead of answering; neither is worth failing a finished run for.
    try {
        run_until([&] { return done; }, clock::now() + std::chrono::seconds(2));
    } catch (const std::runtime_error&) {
    }
    boost::system::error_code ignored;
    socket_.close(ignored);
}

void stomp_client::send(const stomp::stomp_frame& frame) {
    const auto encoded = stomp::stomp_codec::encode_into(frame, stomp::stomp_version::v1_2, out_);
    if (!encoded) fail("cannot encode " + std::string(stomp::command_name(frame.command)) + ": " +
                       encoded.error().message());
    if (writing_.empty()) start_write();
}

bool stomp_client::run_until(const std::function<bool()>& done, clock::time_point deadline) {
    check();
    while (!done()) {
        const auto now = clock::now();
        if (now >= deadline) return false;
        // Wakes at least every 100 ms, so a done() set by another thread is seen.
        io_.run_one_until(std::min(deadline, now + std::chrono::milliseconds(100)));
        if (io_.stopped()) io_.restart();
        check();
    }
    return true;
}

void stomp_client::wait_for(const std::function<bool()>& done, const char* what) {
    const auto limit = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(options_.timeout_seconds));
    if (!run_until(done, clock::now() + limit)) {
        fail(std::string("no ") + what + " within " + std::to_string(static_cast<int>(options_.timeout_seconds)) +
             " s");
    }
}

void stomp_client::poll() {
    io_.poll();
    if (io_.stopped()) io_.restart();
    check();
}

void stomp_client::start_read() {
    if (in_begin_ == in_end_) {
        in_begin_ = in_end_ = 0;
    } else if (in_.size() - in_end_ < read_chunk) {
        // Keeps the partial frame, at the front; a frame larger than the buffer grows it.
        std::copy(in_.begin() + static_cast<std::ptrdiff_t>(in_begin_),
                  in_.begin() + static_cast<std::ptrdiff_t>(in_end_), in_.begin());
        in_end_ -= in_begin_;
        in_begin_ = 0;
        if (in_.size() - in_end_ < read_chunk) in_.resize(in_.size() * 2);
    }
    socket_.async_read_some(boost::asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                            [this](const boost::system::error_code& ec, std::size_t n) { on_read(ec, n); });
}

void stomp_client::on_read(const boost::system::error_code& ec, std::size_t n) {
    if (ec) {
        if (!closing_) {
            error_ = ec == boost::asio::error::eof ? std::string("broker closed the connection")
                                                   : "connection lost: " + ec.message();
        }
        return;
    }
    in_end_ += n;
    while (in_begin_ < in_end_ && error_.empty()) {
        auto decoded = codec_.decode(std::span<const std::byte>(in_.data() + in_begin_, in_end_ - in_begin_),
                                     stomp::stomp_version::v1_2);
        if (decoded.status == stomp::decode_status::need_more) break;
        if (decoded.status == stomp::decode_status::error) {
            error_ = "undecodable frame from the broker: " + decoded.diagnostic.message;
            return;
        }
        in_begin_ += decoded.consumed;
        if (decoded.status == stomp::decode_status::heartbeat) continue;
        if (decoded.frame.command == stomp::stomp_command::error) {
            error_ = describe_error_frame(decoded.frame);
            return;
        }
        if (on_frame) on_frame(decoded.frame);
    }
    if (error_.empty()) start_read();
}

void stomp_client::start_write() {
    if (out_.empty()) return;
    writing_.swap(out_);
    boost::asio::async_write(socket_, boost::asio::buffer(writing_),
                             [this](const boost::system::error_code& ec, std::size_t) {
                                 writing_.clear();
                                 if (ec) {
                                     if (!closing_) error_ = "cannot write: " + ec.message();
                                     return;
                                 }
                                 start_write();
                             });
}

void stomp_client::check() const {
    if (!error_.empty()) fail(error_);
}

void stomp_client::fail(const std::string& what) const {
    throw std::runtime_error(name_ + " (" + options_.host + ":" + std::to_string(options_.port) + "): " + what);
}

} // namespace stomp_load
