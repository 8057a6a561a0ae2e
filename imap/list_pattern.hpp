// imap/list_pattern.hpp - LIST and LSUB patterns (RFC 3501 §6.3.8: '*' matches anything,
// '%' anything but the hierarchy separator; the reference is prefixed to the pattern; INBOX
// matches in any case).
#pragma once
#include <string>
#include <string_view>

namespace mailroom::imap {

class ListPattern {
public:
    // Both in UTF-8 (decoded from modified UTF-7).
    ListPattern(std::string_view reference, std::string_view pattern);

    bool matches(std::string_view name) const;
    const std::string& text() const { return pattern_; }

private:
    std::string pattern_;
};

}  // namespace mailroom::imap
