#include "websocket_stream.hpp"

#include <optional>
#include <utility>

namespace gantry::protocols::websocket {

namespace {

// websocket_errc as the byte_stream's Boost error codes carry it, so a
// refused peer's connection logs why ("read failed: a client frame ...").
// Boost's categories are static objects with a protected, non-virtual
// destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class refusal_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "websocket"; }
    std::string message(int value) const override { return websocket_category().message(value); }
};
#pragma GCC diagnostic pop

const boost::system::error_category& refusal() noexcept {
    static const refusal_category category;
    return category;
}

} // namespace

struct websocket_stream::control_writes {
    struct frame_then {
        control_frame frame;
        then_function then;
    };
    struct data_write {
        std::span<const asio::const_buffer> buffers;
        io_handler handler;
    };
    websocket_stream* owner; // null once the stream is gone
    std::optional<control_frame> writing;
    asio::const_buffer buffer; // writing's bytes, as async_write takes them
    std::optional<frame_then> next;      // waits for the frame being written
    std::optional<data_write> data_next; // a data frame asked for meanwhile
};

websocket_stream::websocket_stream(std::unique_ptr<common::byte_stream> inner, frame_reader_limits limits)
    : inner_(std::move(inner)), reader_(limits) {}

websocket_stream::~websocket_stream() {
    if (control_) control_->owner = nullptr;
    // A control frame being written completes now, aborted.
    inner_->close();
}

asio::any_io_executor websocket_stream::executor() const {
    return inner_->executor();
}

void websocket_stream::async_read_some(asio::mutable_buffer buffer, io_handler handler) {
    if (reader_.error() || reader_.close_received()) {
        end_reading(std::move(handler));
        return;
    }
    // `this` outlives the read: the handler holds the connection that owns us.
    inner_->async_read_some(buffer, [this, buffer, handler = std::move(handler)](const error_code& error,
                                                                                 std::size_t bytes) mutable {
        on_read(buffer, std::move(handler), error, bytes);
    });
}

void websocket_stream::on_read(asio::mutable_buffer buffer, io_handler handler, const error_code& error,
                               std::size_t bytes) {
    if (error) {
        handler(error, 0);
        return;
    }
    const auto payload = reader_.decode({static_cast<std::uint8_t*>(buffer.data()), bytes});
    if (reader_.ping_pending()) {
        if (!close_sent_) {
            send_control(control_frame::pong(reader_.ping_payload()), [](const error_code&) {});
        }
        reader_.ping_answered();
    }
    if (payload > 0) {
        // A close or a refusal after it ends the next read.
        handler({}, payload);
    } else if (reader_.error() || reader_.close_received()) {
        end_reading(std::move(handler));
    } else {
        // Headers and control frames only: a byte_stream read gives at least one byte.
        async_read_some(buffer, std::move(handler));
    }
}

void websocket_stream::end_reading(io_handler handler) {
    const auto refused = reader_.error();
    const error_code end = refused ? error_code(refused.value(), refusal()) : error_code(asio::error::eof);
    auto complete = [handler = std::move(handler), end](const error_code&) { handler(end, 0); };
    if (close_sent_) {
        asio::post(inner_->executor(), [complete = std::move(complete)] { complete({}); });
        return;
    }
    close_sent_ = true;
    const auto frame = refused ? control_frame::close(close_status_for(static_cast<websocket_errc>(refused.value())),
                                                      refused.message())
                               : control_frame::close_reply(reader_.peer_close_code());
    send_control(frame, std::move(complete));
}

void websocket_stream::async_write(std::span<const asio::const_buffer> buffers, io_handler handler) {
    if (control_ && control_->writing) {
        control_->data_next = control_writes::data_write{buffers, std::move(handler)};
        return;
    }
    write_data(buffers, std::move(handler));
}

void websocket_stream::write_data(std::span<const asio::const_buffer> buffers, io_handler handler) {
    const auto payload = asio::buffer_size(buffers);
    header_ = data_frame_header(payload);
    const auto header = header_.bytes();
    writing_data_ = true;
    frame_buffers_.assign(1, asio::const_buffer(header.data(), header.size()));
    frame_buffers_.insert(frame_buffers_.end(), buffers.begin(), buffers.end());
    inner_->async_write(frame_buffers_, [this, payload, handler = std::move(handler)](const error_code& error,
                                                                                     std::size_t) {
                          // `this` lives: the handler holds the connection that owns us.
                          writing_data_ = false;
                          if (!error && control_ && control_->next) {
                              write_next_control();
                          }
                          handler(error, error ? 0 : payload);
                      });
}

void websocket_stream::send_control(const control_frame& frame, then_function then) {
    if (!control_) {
        control_ = std::make_shared<control_writes>();
        control_->owner = this;
    }
    // What waits here is only ever a pong, fine to replace: the pong of the
    // latest ping answers for it, and a close makes it moot.
    control_->next = control_writes::frame_then{frame, std::move(then)};
    if (!writing_data_ && !control_->writing) {
        write_next_control();
    }
}

void websocket_stream::write_next_control() {
    auto next = std::move(*control_->next);
    control_->next.reset();
    control_->writing = next.frame;
    const auto bytes = control_->writing->bytes();
    control_->buffer = asio::const_buffer(bytes.data(), bytes.size());
    inner_->async_write({&control_->buffer, 1}, [control = control_, inner = inner_,
                                                 then = std::move(next.then)](const error_code& error, std::size_t) {
        // Only a read completed by `then` holds the stream's owner: a pong's
        // or shutdown_send's completion may find the stream gone.
        if (auto* self = control->owner) {
            control->writing.reset();
            if (!error && control->next) {
                self->write_next_control();
            } else if (control->data_next) {
                auto data = std::move(*control->data_next);
                control->data_next.reset();
                if (error) {
                    data.handler(error, 0);
                } else {
                    self->write_data(data.buffers, std::move(data.handler));
                }
            }
        }
        then(error);
    });
}

void websocket_stream::shutdown_send() {
    if (close_sent_ || closed_) {
        return;
    }
    close_sent_ = true;
    // The pending read ends with the peer's answering close (eof above).
    send_control(control_frame::close(close_status::normal, {}), [](const error_code&) {});
}

void websocket_stream::close() {
    closed_ = true;
    inner_->close();
}

} // namespace gantry::protocols::websocket
