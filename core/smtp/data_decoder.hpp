// core/smtp/data_decoder.hpp - message content as it arrives: DATA with its dot-stuffing
// and "." terminator (RFC 5321 section 4.5.2 and 4.1.1.4), and BDAT chunks (RFC 3030
// section 2), both turned into LF line ends; a CR not followed by LF is kept as it is.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mailroom::core::smtp {

class DotDecoder {
public:
    // Decodes a prefix of `input` into `out` and returns how many bytes it used: all of them,
    // or up to and including the terminating ".CRLF" (".LF" is accepted too). Then done().
    std::size_t decode(std::string_view input, std::string& out);
    bool done() const { return done_; }
    void reset() { *this = DotDecoder(); }

private:
    enum class Pending { none, dot, dot_cr, cr };
    // Settles a waiting '.', ".CR" or CR with the next byte; true when that byte was used.
    bool pending_step(char c, std::string& out);

    Pending pending_ = Pending::none;
    bool line_start_ = true;
    bool done_ = false;
};

class ChunkDecoder {
public:
    // Decodes all of `chunk`; a CR at its end waits for the next chunk's first byte.
    void decode(std::string_view chunk, std::string& out);
    // The last chunk has ended: a waiting CR is content.
    void finish(std::string& out);
    void reset() { pending_cr_ = false; }

private:
    bool pending_cr_ = false;
};

}  // namespace mailroom::core::smtp
