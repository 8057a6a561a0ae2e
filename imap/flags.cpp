// imap/flags.cpp - flags on the wire (see flags.hpp).
#include "imap/flags.hpp"

#include "core/util/strings.hpp"
#include "mailstore/store.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

struct SystemFlag {
    std::string_view name;
    std::uint8_t bit;
};

constexpr SystemFlag system_flags[] = {
    {"\\Answered", mailstore::flag_answered}, {"\\Flagged", mailstore::flag_flagged},
    {"\\Deleted", mailstore::flag_deleted},   {"\\Seen", mailstore::flag_seen},
    {"\\Draft", mailstore::flag_draft},
};

// flag-keyword = atom: no atom-specials (RFC 3501 §9), no backslash, 7-bit.
bool is_keyword(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c > 0x20 && c < 0x7f && std::string_view("(){%*\"\\]").find(ch) == std::string_view::npos;
    });
}

}  // namespace

bool parse_flag(std::string_view text, FlagSet& flags)
{
    if (text.starts_with('\\')) {
        if (core::iequals(text, "\\Recent")) {
            flags.recent = true;
            return true;
        }
        for (const auto& flag : system_flags)
            if (core::iequals(text, flag.name)) {
                flags.system |= flag.bit;
                return true;
            }
        return false;
    }
    if (!is_keyword(text))
        return false;
    const auto same = [&](const std::string& k) { return core::iequals(k, text); };
    if (std::none_of(flags.keywords.begin(), flags.keywords.end(), same))
        flags.keywords.emplace_back(text);
    return true;
}

bool parse_flags(const Arg& arg, FlagSet& flags, std::string& error)
{
    if (arg.is_atom()) {
        if (parse_flag(arg.text, flags))
            return true;
        error = "Invalid flag " + arg.text;
        return false;
    }
    if (!arg.is_list()) {
        error = "Invalid flag list";
        return false;
    }
    for (const Arg& item : arg.items)
        if (!item.is_atom() || !parse_flag(item.text, flags)) {
            error = "Invalid flag " + item.text;
            return false;
        }
    return true;
}

void append_flag_list(std::string& out, std::uint8_t system, std::uint64_t keywords,
                      const std::vector<std::string>& names, bool recent)
{
    out += '(';
    const std::size_t start = out.size();
    auto add = [&](std::string_view name) {
        if (out.size() > start)
            out += ' ';
        out += name;
    };
    for (const auto& flag : system_flags)
        if (system & flag.bit)
            add(flag.name);
    if (recent)
        add("\\Recent");
    for (std::size_t i = 0; i < names.size() && i < 64; ++i)
        if (keywords & (std::uint64_t{1} << i))
            add(names[i]);
    out += ')';
}

std::string_view system_flag_names() { return "\\Answered \\Flagged \\Deleted \\Seen \\Draft"; }

}  // namespace mailroom::imap
