// core/smtp/data_decoder.cpp - dot-unstuffing and CRLF -> LF (see data_decoder.hpp).
#include "core/smtp/data_decoder.hpp"

namespace mailroom::core::smtp {

bool DotDecoder::pending_step(char c, std::string& out)
{
    switch (pending_) {
    case Pending::dot:   // "." at the start of a line
        if (c == '\r') {
            pending_ = Pending::dot_cr;
            return true;
        }
        if (c == '\n')
            return done_ = true;
        pending_ = Pending::none;   // the dot was stuffing: drop it, keep c
        line_start_ = false;
        return false;
    case Pending::dot_cr:
        if (c == '\n')
            return done_ = true;
        out += '\r';   // ".\rX": a stuffed line starting with a bare CR
        pending_ = Pending::none;
        line_start_ = false;
        return false;
    case Pending::cr:
        pending_ = Pending::none;
        out += c == '\n' ? '\n' : '\r';
        line_start_ = c == '\n';
        return c == '\n';
    case Pending::none: break;
    }
    return false;
}

std::size_t DotDecoder::decode(std::string_view input, std::string& out)
{
    std::size_t i = 0;
    while (i < input.size() && !done_) {
        const char c = input[i];
        if (pending_ != Pending::none) {
            if (pending_step(c, out))
                ++i;
            continue;
        }
        if (line_start_ && c == '.') {
            pending_ = Pending::dot;
            ++i;
            continue;
        }
        // Copy the run up to the next CR or LF in one piece.
        const std::size_t end = input.find_first_of("\r\n", i);
        const std::size_t stop = end == std::string_view::npos ? input.size() : end;
        if (stop > i) {
            out.append(input.substr(i, stop - i));
            line_start_ = false;
            i = stop;
            continue;
        }
        if (c == '\r') {
            pending_ = Pending::cr;
        } else {
            out += '\n';   // a bare LF ends a line too
            line_start_ = true;
        }
        ++i;
    }
    return i;
}

void ChunkDecoder::decode(std::string_view chunk, std::string& out)
{
    std::size_t i = 0;
    if (pending_cr_ && !chunk.empty()) {
        pending_cr_ = false;
        if (chunk.front() == '\n') {
            out += '\n';
            i = 1;
        } else {
            out += '\r';
        }
    }
    while (i < chunk.size()) {
        const std::size_t cr = chunk.find('\r', i);
        if (cr == std::string_view::npos) {
            out.append(chunk.substr(i));
            return;
        }
        out.append(chunk.substr(i, cr - i));
        if (cr + 1 == chunk.size()) {
            pending_cr_ = true;
            return;
        }
        if (chunk[cr + 1] == '\n') {
            out += '\n';
            i = cr + 2;
        } else {
            out += '\r';
            i = cr + 1;
        }
    }
}

void ChunkDecoder::finish(std::string& out)
{
    if (pending_cr_)
        out += '\r';
    pending_cr_ = false;
}

}  // namespace mailroom::core::smtp
