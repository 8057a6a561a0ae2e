// mailstore/keywords.cpp - keyword names <-> per-mailbox keyword bits (see store.hpp).
#include "mailstore/store.hpp"

#include "core/util/strings.hpp"

namespace mailroom::mailstore {

std::vector<std::string> keyword_list(std::uint64_t bits, const std::vector<std::string>& names)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names.size() && i < max_keywords; ++i)
        if (bits & (std::uint64_t{1} << i))
            out.push_back(names[i]);
    return out;
}

std::optional<std::uint64_t> keyword_bits(const std::vector<std::string>& wanted, std::vector<std::string>& names,
                                          bool add_missing)
{
    std::uint64_t bits = 0;
    for (const auto& keyword : wanted) {
        // IMAP keywords are case-insensitive (RFC 9051 2.3.2): match the spelling we have.
        std::size_t i = 0;
        while (i < names.size() && !core::iequals(names[i], keyword))
            ++i;
        if (i == names.size()) {
            if (!add_missing)
                continue;
            if (names.size() >= max_keywords)
                return std::nullopt;
            names.push_back(keyword);
        }
        bits |= std::uint64_t{1} << i;
    }
    return bits;
}

}  // namespace mailroom::mailstore
