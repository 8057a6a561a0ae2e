// core/net/connection.hpp - one client connection as every service sees it: plain or TLS
// (implicit, or upgraded by STARTTLS/STLS - RFC 3207 section 4.2, RFC 2595 section 4),
// TCP or unix-domain, with bounded line reads, exact-size bulk reads (IMAP literals, BDAT,
// DATA) that never buffer unbounded input, buffered writes, and an idle deadline enforced
// by a watchdog the server runs beside the session.
#pragma once
#include "core/net/asio.hpp"

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mailroom::core {

struct PeerInfo {
    std::string address;          // "192.0.2.1", "2001:db8::1" (IPv4-mapped shown as IPv4), or "unix"
    std::uint16_t port = 0;
    std::string local_address;
    std::uint16_t local_port = 0;
    bool unix_socket = false;
    bool verbose = false;         // debug_peer_list matched: log the conversation

    // "192.0.2.1" style for rip= fields; "[2001:db8::1]:4711" style for connect lines.
    std::string endpoint_text() const;
};

class Connection {
public:
    using Socket = asio::generic::stream_protocol::socket;
    using TlsStream = asio::ssl::stream<Socket>;
    using Clock = std::chrono::steady_clock;

    Connection(Socket socket, PeerInfo peer, std::shared_ptr<asio::ssl::context> tls);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    enum class ReadStatus { ok, too_long, closed };

    // Reads one line ending in LF (a CR before it is removed too) of at most `max_length`
    // bytes without the line end. A longer line is read and thrown away up to its end, then
    // reported as too_long, so the session can answer it and go on. The view stays valid
    // until the next read call.
    awaitable<ReadStatus> read_line(std::string_view& line, std::size_t max_length);
    awaitable<ReadStatus> read_line(std::string& line, std::size_t max_length);

    // Reads exactly `count` bytes and hands them to `sink` in pieces as they arrive (the
    // caller decides where they go: a Saver, a counter). false: the connection closed first.
    awaitable<bool> read_exact(std::uint64_t count, const std::function<void(std::string_view)>& sink);

    // Completes when input is available (buffered or on the socket) or the connection ends;
    // false when it ended. Cancelling it (IDLE woken by a mailbox change) loses nothing.
    awaitable<bool> wait_readable();
    bool has_buffered_input() const;

    // Output is buffered by send() and written by flush(); write() does both. A write to a
    // broken connection throws boost::system::system_error (the session ends).
    void send(std::string_view bytes) { out_.append(bytes); }
    awaitable<void> flush();
    awaitable<void> write(std::string_view bytes);
    std::size_t buffered_output() const { return out_.size(); }

    bool tls_available() const { return tls_context_ != nullptr; }
    bool tls_active() const { return tls_ != nullptr; }
    // Server-side TLS handshake. Plaintext input that arrived before it is discarded (the
    // STARTTLS command-injection attack). false: no TLS configured or the handshake failed.
    awaitable<bool> start_tls();
    // The client side, for mailroom's own SMTP client (RFC 3207 section 4); `server_name` goes
    // into SNI. Uses the context given at construction (a client context).
    awaitable<bool> start_tls_client(const std::string& server_name);
    std::string tls_summary() const;   // "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"
    std::string tls_error() const { return tls_error_; }

    // The idle deadline: every read and write pushes it `timeout` into the future; the
    // watchdog closes the connection once it passes.
    void set_idle_timeout(Clock::duration timeout);
    awaitable<void> watchdog();
    bool timed_out() const { return timed_out_; }

    // Asks the session to end (server shutdown): pending and later reads complete as
    // closed and shutdown_requested() turns true, so the protocol can say goodbye. A write in
    // progress is not disturbed. Call it on the connection's executor (the server posts it there).
    void request_shutdown();
    bool shutdown_requested() const { return shutdown_requested_; }

    void close();                        // immediate; pending operations fail
    awaitable<void> close_gracefully();  // TLS close_notify (briefly), then close

    const PeerInfo& peer() const { return peer_; }
    std::uint64_t bytes_read() const { return bytes_read_; }
    std::uint64_t bytes_written() const { return bytes_written_; }
    asio::any_io_executor executor() const { return executor_; }

private:
    awaitable<std::size_t> read_some(char* data, std::size_t size);
    awaitable<bool> fill_buffer();
    void consume(std::size_t n);
    void touch() { deadline_ = Clock::now() + idle_timeout_; }
    Socket& lowest_socket();
    awaitable<bool> handshake(asio::ssl::stream_base::handshake_type side, std::string server_name);

    asio::any_io_executor executor_;
    Socket socket_;
    std::unique_ptr<TlsStream> tls_;
    std::shared_ptr<asio::ssl::context> tls_context_;
    PeerInfo peer_;
    std::string in_;            // received, not yet consumed: in_[in_pos_, size)
    std::size_t in_pos_ = 0;
    std::size_t scanned_ = 0;   // bytes after in_pos_ already searched for a line end
    std::string out_;
    Clock::duration idle_timeout_ = std::chrono::minutes(5);
    Clock::time_point deadline_;
    asio::steady_timer watchdog_timer_;
    bool timed_out_ = false;
    bool shutdown_requested_ = false;
    bool reading_ = false;      // a read or wait_readable() is pending (request_shutdown wakes it)
    bool closed_ = false;
    std::string tls_error_;
    std::uint64_t bytes_read_ = 0;
    std::uint64_t bytes_written_ = 0;
};

}  // namespace mailroom::core
