// mailstore/message/transfer_decode.hpp - lenient streaming decoders for the MIME
// transfer encodings (RFC 2045 §6.7 quoted-printable, §6.8 base64). Written here rather
// than with OpenSSL's EVP_DecodeUpdate, which rejects the junk real mail contains.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mailroom::message {

// base64: characters outside the alphabet are skipped (RFC 2045 §6.8 says to ignore
// them); the first '=' ends the data, and everything after it is ignored; missing padding
// is tolerated (2 or 3 trailing characters still give 1 or 2 bytes).
class Base64Decoder {
public:
    void feed(std::string_view in, std::string& out);
    void finish(std::string& out);  // flushes an unpadded final quantum

private:
    std::uint32_t acc_ = 0;
    unsigned count_ = 0;  // characters in acc_
    bool ended_ = false;
};

// quoted-printable: "=XX" with either hex case, soft line breaks "=\n" and "=\r\n",
// whitespace before a soft break or trailing a line removed (rule 3); a malformed '='
// sequence is kept literally. Line ends are passed through as written.
class QpDecoder {
public:
    void feed(std::string_view in, std::string& out);
    void finish(std::string& out);

private:
    void flush_space(std::string& out);
    void feed_escape(char c, std::string& out);

    std::string pending_;  // "=", "=X", "=\r" waiting for more input
    std::string space_;    // whitespace that is dropped if the line ends here
};

enum class TransferEncoding : unsigned char { identity, base64, quoted_printable };

// From a Content-Transfer-Encoding value; unknown values are identity.
TransferEncoding transfer_encoding_from(std::string_view cte) noexcept;

// Streams any of the three: feed chunks, then finish.
class TransferDecoder {
public:
    explicit TransferDecoder(TransferEncoding enc) noexcept : enc_(enc) {}
    void feed(std::string_view in, std::string& out);
    void finish(std::string& out);

private:
    TransferEncoding enc_;
    Base64Decoder b64_;
    QpDecoder qp_;
};

// Whole-buffer helpers.
std::string decode_base64(std::string_view in);
std::string decode_quoted_printable(std::string_view in);

}  // namespace mailroom::message
