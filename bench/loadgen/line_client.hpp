// bench/loadgen/line_client.hpp - one TCP connection of the load generator: connect to
// 127.0.0.1, read CRLF lines and raw byte counts (IMAP literals), write, count bytes read.
// Everything is a C++20 coroutine on one io_context, so thousands of clients cost little.
#pragma once
#include <boost/asio.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::bench {

namespace asio = boost::asio;
using asio::awaitable;

class LineClient {
public:
    explicit LineClient(asio::any_io_executor executor) : socket_(executor) {}

    awaitable<void> connect(std::uint16_t port);
    // The next line without its CRLF (or bare LF). Throws on end of stream.
    awaitable<std::string> line();
    // Reads and discards exactly n bytes (an IMAP literal's contents).
    awaitable<void> skip(std::size_t n);
    awaitable<void> send(std::string_view data);
    void close();

    std::uint64_t bytes_read() const { return bytes_read_; }

private:
    awaitable<void> fill();

    asio::ip::tcp::socket socket_;
    std::vector<char> buffer_ = std::vector<char>(16384);
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::uint64_t bytes_read_ = 0;
};

}  // namespace mailroom::bench
