// mailstore/maildir/maildir_flags.cpp - Maildir info letters (see maildir_flags.hpp).
#include "mailstore/maildir/maildir_flags.hpp"

#include "mailstore/store.hpp"

#include <algorithm>

namespace mailroom::mailstore::maildir {
namespace {

struct Letter {
    char letter;
    std::uint8_t flag;
};
constexpr Letter letters[] = {
    {'D', flag_draft}, {'F', flag_flagged}, {'R', flag_answered}, {'S', flag_seen}, {'T', flag_deleted},
};

}  // namespace

InfoFlags parse_info_flags(std::string_view text)
{
    InfoFlags info;
    for (char c : text) {
        if (c >= 'a' && c <= 'z') {
            info.keywords |= std::uint64_t{1} << (c - 'a');
            continue;
        }
        const auto* known = std::find_if(std::begin(letters), std::end(letters), [c](const Letter& l) { return l.letter == c; });
        if (known != std::end(letters))
            info.flags |= known->flag;
        else if (c > ' ' && c != '/' && c != ':' && info.other_letters.find(c) == std::string::npos)
            info.other_letters += c;
    }
    return info;
}

std::string info_letters(std::uint8_t flags, std::uint64_t keywords, std::string_view other_letters)
{
    std::string out(other_letters);
    for (const auto& l : letters)
        if (flags & l.flag)
            out += l.letter;
    for (int i = 0; i < 26; ++i)
        if (keywords & (std::uint64_t{1} << i))
            out += static_cast<char>('a' + i);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace mailroom::mailstore::maildir
