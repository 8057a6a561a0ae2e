// mailstore/message/transfer_decode.cpp - lenient base64 (RFC 2045 §6.8) and
// quoted-printable (RFC 2045 §6.7) decoders that can be fed in chunks of any size.
#include "mailstore/message/transfer_decode.hpp"

#include "mailstore/message/header.hpp"

#include <array>

namespace mailroom::message {

namespace {

constexpr std::array<signed char, 256> make_b64()
{
    std::array<signed char, 256> t{};
    for (auto& v : t)
        v = -1;
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
}
constexpr auto b64 = make_b64();

int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

}  // namespace

void Base64Decoder::feed(std::string_view in, std::string& out)
{
    for (char c : in) {
        if (ended_)
            return;
        if (c == '=') {
            finish(out);
            ended_ = true;
            return;
        }
        const int v = b64[static_cast<unsigned char>(c)];
        if (v < 0)
            continue;
        acc_ = (acc_ << 6) | static_cast<std::uint32_t>(v);
        if (++count_ == 4) {
            out += static_cast<char>((acc_ >> 16) & 0xFF);
            out += static_cast<char>((acc_ >> 8) & 0xFF);
            out += static_cast<char>(acc_ & 0xFF);
            acc_ = 0;
            count_ = 0;
        }
    }
}

void Base64Decoder::finish(std::string& out)
{
    if (count_ == 2) {
        out += static_cast<char>((acc_ >> 4) & 0xFF);
    } else if (count_ == 3) {
        out += static_cast<char>((acc_ >> 10) & 0xFF);
        out += static_cast<char>((acc_ >> 2) & 0xFF);
    }
    acc_ = 0;
    count_ = 0;
}

void QpDecoder::flush_space(std::string& out)
{
    out += space_;
    space_.clear();
}

void QpDecoder::feed_escape(char c, std::string& out)
{
    pending_ += c;
    const char a = pending_[1];
    if (a == '\n' || (a == '\r' && pending_.size() == 3 && c == '\n')) {
        space_.clear();  // soft line break: the line's trailing space goes too
        pending_.clear();
    } else if (pending_.size() == 2 && (a == '\r' || hex_digit(a) >= 0)) {
        // wait for the LF or the second digit
    } else if (pending_.size() == 3 && hex_digit(a) >= 0 && hex_digit(c) >= 0) {
        flush_space(out);
        out += static_cast<char>(hex_digit(a) * 16 + hex_digit(c));
        pending_.clear();
    } else {
        flush_space(out);
        out += pending_;  // not an escape: keep it as written
        pending_.clear();
    }
}

void QpDecoder::feed(std::string_view in, std::string& out)
{
    for (char c : in) {
        if (!pending_.empty()) {
            feed_escape(c, out);
        } else if (c == '=') {
            pending_.push_back('=');
        } else if (c == ' ' || c == '\t') {
            space_ += c;
            if (space_.size() > 4096)  // bound memory on absurd lines
                flush_space(out);
        } else if (c == '\r' || c == '\n') {
            space_.clear();
            out += c;
        } else {
            flush_space(out);
            out += c;
        }
    }
}

void QpDecoder::finish(std::string& out)
{
    flush_space(out);
    out += pending_;
    pending_.clear();
}

TransferEncoding transfer_encoding_from(std::string_view cte) noexcept
{
    if (iequals(cte, "base64"))
        return TransferEncoding::base64;
    if (iequals(cte, "quoted-printable"))
        return TransferEncoding::quoted_printable;
    return TransferEncoding::identity;
}

void TransferDecoder::feed(std::string_view in, std::string& out)
{
    switch (enc_) {
    case TransferEncoding::base64: b64_.feed(in, out); break;
    case TransferEncoding::quoted_printable: qp_.feed(in, out); break;
    case TransferEncoding::identity: out.append(in); break;
    }
}

void TransferDecoder::finish(std::string& out)
{
    if (enc_ == TransferEncoding::base64)
        b64_.finish(out);
    else if (enc_ == TransferEncoding::quoted_printable)
        qp_.finish(out);
}

std::string decode_base64(std::string_view in)
{
    std::string out;
    Base64Decoder d;
    d.feed(in, out);
    d.finish(out);
    return out;
}

std::string decode_quoted_printable(std::string_view in)
{
    std::string out;
    QpDecoder d;
    d.feed(in, out);
    d.finish(out);
    return out;
}

}  // namespace mailroom::message
