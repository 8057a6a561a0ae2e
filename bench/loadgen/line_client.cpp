// bench/loadgen/line_client.cpp - buffered line reading over an Asio socket (see the header).
#include "line_client.hpp"

#include <algorithm>
#include <cstring>

namespace mailroom::bench {

awaitable<void> LineClient::connect(std::uint16_t port)
{
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
    co_await socket_.async_connect(endpoint, asio::use_awaitable);
    socket_.set_option(asio::ip::tcp::no_delay(true));
}

// Moves what is left to the front (growing the buffer when a line fills it) and reads more.
awaitable<void> LineClient::fill()
{
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size())
        buffer_.resize(buffer_.size() * 2);
    const auto space = asio::buffer(buffer_.data() + end_, buffer_.size() - end_);
    const std::size_t n = co_await socket_.async_read_some(space, asio::use_awaitable);
    end_ += n;
    bytes_read_ += n;
}

awaitable<std::string> LineClient::line()
{
    std::size_t scanned = begin_;
    for (;;) {
        const char* first = buffer_.data() + scanned;
        const char* last = buffer_.data() + end_;
        const char* newline = std::find(first, last, '\n');
        if (newline != last) {
            std::size_t length = static_cast<std::size_t>(newline - (buffer_.data() + begin_));
            std::string text(buffer_.data() + begin_, length);
            begin_ += length + 1;
            if (!text.empty() && text.back() == '\r')
                text.pop_back();
            co_return text;
        }
        const std::size_t offset = end_ - begin_;
        co_await fill();
        scanned = begin_ + offset;
    }
}

awaitable<void> LineClient::skip(std::size_t n)
{
    while (n > 0) {
        if (begin_ == end_) {
            begin_ = end_ = 0;
            co_await fill();
        }
        const std::size_t take = std::min(n, end_ - begin_);
        begin_ += take;
        n -= take;
    }
}

awaitable<void> LineClient::send(std::string_view data)
{
    co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()), asio::use_awaitable);
}

void LineClient::close()
{
    boost::system::error_code ignored;
    socket_.close(ignored);
}

}  // namespace mailroom::bench
