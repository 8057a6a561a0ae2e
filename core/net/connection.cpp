// core/net/connection.cpp - bounded reads, buffered writes, STARTTLS and the idle watchdog
// (see connection.hpp).
#include "core/net/connection.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>

#include <cstring>

namespace mailroom::core {
namespace {

constexpr std::size_t read_chunk = 16 * 1024;          // bytes asked of the socket per read
constexpr std::size_t idle_buffer_keep = 64 * 1024;    // larger buffers are released when empty

}  // namespace

std::string PeerInfo::endpoint_text() const
{
    if (unix_socket)
        return "unix";
    if (address.find(':') != std::string::npos)
        return "[" + address + "]:" + std::to_string(port);
    return address + ":" + std::to_string(port);
}

Connection::Connection(Socket socket, PeerInfo peer, std::shared_ptr<asio::ssl::context> tls)
    : executor_(socket.get_executor()), socket_(std::move(socket)), tls_context_(std::move(tls)),
      peer_(std::move(peer)), watchdog_timer_(executor_)
{
    touch();
}

Connection::Socket& Connection::lowest_socket() { return tls_ ? tls_->next_layer() : socket_; }

awaitable<std::size_t> Connection::read_some(char* data, std::size_t size)
{
    if (closed_ || shutdown_requested_)
        co_return 0;
    touch();
    boost::system::error_code ec;
    std::size_t n = 0;
    reading_ = true;
    if (tls_)
        n = co_await tls_->async_read_some(asio::buffer(data, size), asio::redirect_error(use_awaitable, ec));
    else
        n = co_await socket_.async_read_some(asio::buffer(data, size), asio::redirect_error(use_awaitable, ec));
    reading_ = false;
    if (ec)
        co_return 0;
    bytes_read_ += n;
    co_return n;
}

awaitable<bool> Connection::fill_buffer()
{
    if (in_pos_ > 0) {
        in_.erase(0, in_pos_);
        in_pos_ = 0;
    }
    // A connection waiting for its next command may wait for hours, and an IMAP server has
    // thousands of them: no input buffer is held until there are bytes to read. Over TLS the
    // stream reads ahead into buffers of its own (ciphertext the socket no longer shows), so
    // only a read through it can tell whether a command is already here.
    if (in_.empty() && !tls_) {
        std::string().swap(in_);
        boost::system::error_code ec;
        if (lowest_socket().available(ec) == 0 && !ec && !(co_await wait_readable()))
            co_return false;
    }
    const std::size_t old_size = in_.size();
    in_.resize(old_size + read_chunk);
    const std::size_t n = co_await read_some(in_.data() + old_size, read_chunk);
    in_.resize(old_size + n);
    co_return n > 0;
}

void Connection::consume(std::size_t n)
{
    in_pos_ += n;
    scanned_ = 0;
    if (in_pos_ >= in_.size()) {
        in_.clear();
        in_pos_ = 0;
    }
}

awaitable<Connection::ReadStatus> Connection::read_line(std::string_view& line, std::size_t max_length)
{
    bool discarding = false;
    line = {};
    for (;;) {
        const char* begin = in_.data() + in_pos_;
        const std::size_t available = in_.size() - in_pos_;
        const void* newline = std::memchr(begin + scanned_, '\n', available - scanned_);
        if (newline) {
            const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - begin);
            std::size_t content = length;
            if (content > 0 && begin[content - 1] == '\r')
                --content;
            scanned_ = 0;
            if (discarding || content > max_length) {
                consume(length + 1);
                co_return ReadStatus::too_long;
            }
            line = std::string_view(begin, content);
            in_pos_ += length + 1;   // no compaction here: `line` points into the buffer
            co_return ReadStatus::ok;
        }
        scanned_ = available;
        if (available > max_length + 1) {   // +1: the CR of a CRLF may already be here
            consume(available);
            discarding = true;
        }
        if (!co_await fill_buffer())
            co_return ReadStatus::closed;
    }
}

awaitable<Connection::ReadStatus> Connection::read_line(std::string& line, std::size_t max_length)
{
    std::string_view view;
    const ReadStatus status = co_await read_line(view, max_length);
    line.assign(view);
    co_return status;
}

awaitable<bool> Connection::read_exact(std::uint64_t count, const std::function<void(std::string_view)>& sink)
{
    while (count > 0) {
        const std::size_t available = in_.size() - in_pos_;
        if (available > 0) {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(available, count));
            sink(std::string_view(in_.data() + in_pos_, take));
            consume(take);
            count -= take;
            continue;
        }
        if (!co_await fill_buffer())
            co_return false;
    }
    co_return true;
}

bool Connection::has_buffered_input() const
{
    if (in_pos_ < in_.size())
        return true;
    if (!tls_)
        return false;
    // Decrypted bytes, or whole records OpenSSL holds but has not yet decrypted.
    SSL* ssl = const_cast<TlsStream&>(*tls_).native_handle();
    return SSL_pending(ssl) > 0 || SSL_has_pending(ssl) == 1 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0;
}

awaitable<bool> Connection::wait_readable()
{
    if (has_buffered_input())
        co_return true;
    if (closed_ || shutdown_requested_)
        co_return false;
    // The TLS stream may hold ciphertext it read ahead (see fill_buffer): read through it.
    if (tls_)
        co_return co_await fill_buffer();
    // A wait for input can last hours (IMAP IDLE): hold no buffers meanwhile, so that many
    // waiting connections stay cheap. (read_line leaves consumed bytes in place.)
    if (in_pos_ >= in_.size()) {
        std::string().swap(in_);
        in_pos_ = 0;
        scanned_ = 0;
    }
    if (out_.empty())
        std::string().swap(out_);
    touch();
    boost::system::error_code ec;
    reading_ = true;
    co_await lowest_socket().async_wait(Socket::wait_read, asio::redirect_error(use_awaitable, ec));
    reading_ = false;
    co_return !ec && !closed_ && !shutdown_requested_;
}

awaitable<void> Connection::flush()
{
    if (out_.empty())
        co_return;
    touch();
    if (tls_)
        co_await asio::async_write(*tls_, asio::buffer(out_), use_awaitable);
    else
        co_await asio::async_write(socket_, asio::buffer(out_), use_awaitable);
    bytes_written_ += out_.size();
    out_.clear();
    if (out_.capacity() > idle_buffer_keep)
        std::string().swap(out_);
}

awaitable<void> Connection::write(std::string_view bytes)
{
    send(bytes);
    co_await flush();
}

awaitable<bool> Connection::start_tls()
{
    const bool started = co_await handshake(asio::ssl::stream_base::server, std::string());
    co_return started;
}

awaitable<bool> Connection::start_tls_client(const std::string& server_name)
{
    const bool started = co_await handshake(asio::ssl::stream_base::client, server_name);
    co_return started;
}

awaitable<bool> Connection::handshake(asio::ssl::stream_base::handshake_type side, std::string server_name)
{
    if (!tls_context_ || tls_ || closed_)
        co_return false;
    in_.clear();
    in_pos_ = 0;
    scanned_ = 0;
    tls_ = std::make_unique<TlsStream>(std::move(socket_), *tls_context_);
    if (!server_name.empty())
        SSL_set_tlsext_host_name(tls_->native_handle(), server_name.c_str());
    touch();
    boost::system::error_code ec;
    co_await tls_->async_handshake(side, asio::redirect_error(use_awaitable, ec));
    if (ec) {
        tls_error_ = ec.message();
        close();
        co_return false;
    }
    co_return true;
}

std::string Connection::tls_summary() const
{
    if (!tls_)
        return "no TLS";
    SSL* ssl = const_cast<TlsStream&>(*tls_).native_handle();
    return std::string(SSL_get_version(ssl)) + " with cipher " + SSL_get_cipher_name(ssl);
}

void Connection::set_idle_timeout(Clock::duration timeout)
{
    const auto old_deadline = deadline_;
    idle_timeout_ = timeout;
    touch();
    if (deadline_ < old_deadline)
        watchdog_timer_.cancel();   // wake the watchdog so it waits for the nearer deadline
}

awaitable<void> Connection::watchdog()
{
    for (;;) {
        if (closed_)
            co_return;
        if (deadline_ <= Clock::now()) {
            timed_out_ = true;
            close();
            co_return;
        }
        watchdog_timer_.expires_at(deadline_);
        const auto [ec] = co_await watchdog_timer_.async_wait(asio::as_tuple(use_awaitable));
        // Aborted either because the session ended (our own cancellation state says so) or
        // because set_idle_timeout() moved the deadline closer: then wait again.
        if (ec == asio::error::operation_aborted &&
            (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return;
    }
}

void Connection::request_shutdown()
{
    shutdown_requested_ = true;
    // Only a pending read is woken: cancelling the socket would also abort a reply being
    // written, and the session is to finish the command in hand. The next read sees the flag.
    boost::system::error_code ignored;
    if (!closed_ && reading_)
        lowest_socket().cancel(ignored);
}

void Connection::close()
{
    if (closed_)
        return;
    closed_ = true;
    boost::system::error_code ignored;
    lowest_socket().shutdown(Socket::shutdown_both, ignored);
    lowest_socket().close(ignored);
}

awaitable<void> Connection::close_gracefully()
{
    if (!closed_ && tls_) {
        // close_notify, but never wait long for the peer's answer.
        asio::steady_timer timer(executor_, std::chrono::milliseconds(500));
        co_await (tls_->async_shutdown(asio::as_tuple(use_awaitable)) ||
                  timer.async_wait(asio::as_tuple(use_awaitable)));
    }
    close();
}

}  // namespace mailroom::core
