// tests/unit/message/corpus_support.hpp - loads tests/corpus/messages/*.eml and the
// Dovecot answers recorded beside them (*.golden, written by make_goldens.py).
#pragma once
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailroom::test {

// The step of the loops that try every truncation of a message: every position, or every
// `large_stride`-th in big messages. The sanitizer build runs them some 20 times slower and
// visits every 11th of those positions only (still several in every part); the Release build
// in the same test run visits them all.
inline std::size_t truncation_stride(std::size_t size, std::size_t big_size, std::size_t large_stride)
{
#if defined(__SANITIZE_ADDRESS__)
    constexpr std::size_t sanitizer_factor = 11;
#else
    constexpr std::size_t sanitizer_factor = 1;
#endif
    return (size > big_size ? large_stride : 1) * sanitizer_factor;
}

inline std::filesystem::path corpus_dir()
{
    return std::filesystem::path(MAILROOM_SOURCE_DIR) / "tests" / "corpus" / "messages";
}

inline std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Stems of every NAME.eml, sorted.
inline std::vector<std::string> corpus_names()
{
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(corpus_dir()))
        if (e.path().extension() == ".eml")
            names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

inline std::string corpus_message(const std::string& name)
{
    return read_file(corpus_dir() / (name + ".eml"));
}

// Reverses make_goldens.py's escape(): \\ \r \n \xHH.
inline std::string unescape(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 >= s.size()) {
            out += s[i];
            continue;
        }
        const char c = s[++i];
        if (c == 'r')
            out += '\r';
        else if (c == 'n')
            out += '\n';
        else if (c == 'x' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else
            out += c;
    }
    return out;
}

struct GoldenSection {
    std::string spec;   // as fetched, without BODY[ ], e.g. "1.MIME", "TEXT<3.10>"
    std::string value;  // "NIL", "{n}" + bytes, or "#len:sha256"
};

struct Golden {
    std::string rfc822_size, envelope, body, bodystructure;
    std::vector<GoldenSection> sections;
};

inline Golden load_golden(const std::string& name)
{
    Golden g;
    std::istringstream in(read_file(corpus_dir() / (name + ".golden")));
    for (std::string line; std::getline(in, line);) {
        const std::size_t sp = line.find(' ');
        const std::string key = line.substr(0, sp);
        const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
        if (key == "RFC822.SIZE")
            g.rfc822_size = rest;
        else if (key == "ENVELOPE")
            g.envelope = unescape(rest);
        else if (key == "BODY")
            g.body = unescape(rest);
        else if (key == "BODYSTRUCTURE")
            g.bodystructure = unescape(rest);
        else if (key == "SECTION") {
            // The spec has spaces only inside "(field names)"; it may be empty.
            std::size_t end = rest.find(' ');
            if (end != std::string::npos && end + 1 < rest.size() && rest[end + 1] == '(')
                end = rest.find(')', end) + 1;
            const std::size_t v = end;
            g.sections.push_back({rest.substr(0, v), unescape(rest.substr(v + 1))});
        }
    }
    return g;
}

inline std::string sha256_hex(std::string_view data)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

// The form a golden SECTION value takes for `bytes`.
inline std::string golden_form(std::string_view bytes)
{
    if (bytes.size() > 2000)
        return "#" + std::to_string(bytes.size()) + ":" + sha256_hex(bytes);
    return "{" + std::to_string(bytes.size()) + "}" + std::string(bytes);
}

}  // namespace mailroom::test
