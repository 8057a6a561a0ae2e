// pop3/md5.hpp - MD5 (RFC 1321) as POP3 needs it: the APOP digest (RFC 1939 section 7) and
// the header digest behind the %m UIDL variable. Not for anything that needs security.
#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace mailroom::pop3 {

class Md5 {
public:
    Md5();
    ~Md5();
    Md5(const Md5&) = delete;
    Md5& operator=(const Md5&) = delete;

    void update(std::string_view bytes);
    // The digest as 32 lower-case hex digits; the object cannot be updated afterwards.
    std::string hex_digest();

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

std::string md5_hex(std::string_view bytes);

}  // namespace mailroom::pop3
