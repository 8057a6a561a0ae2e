// mailstore/mailbox_name.cpp - mailbox name validation and on-disk mapping (see mailbox_name.hpp).
#include "mailstore/mailbox_name.hpp"

#include "core/util/mutf7.hpp"
#include "core/util/strings.hpp"

namespace mailroom::mailstore {
namespace {

Error invalid(std::string_view name, std::string_view why)
{
    return Error{make_error_code(Errc::invalid_name), "invalid mailbox name \"" + std::string(name) + "\": " + std::string(why)};
}

}  // namespace

bool is_inbox(std::string_view name) { return core::iequals(name, "INBOX"); }

Result<std::string> canonical_mailbox_name(std::string_view name, bool maildir_plus_plus)
{
    if (name.empty())
        return invalid(name, "empty");
    if (name.size() > max_mailbox_name_length)
        return invalid(name.substr(0, 40), "too long");
    if (!core::is_valid_utf8(name))
        return invalid(name, "not valid UTF-8");
    std::string canonical;
    std::size_t start = 0;
    for (;;) {
        const auto end = name.find(hierarchy_separator, start);
        const std::string_view component = name.substr(start, end == std::string_view::npos ? end : end - start);
        if (component.empty())
            return invalid(name, "empty hierarchy level (leading, trailing or doubled '/')");
        if (component == "." || component == "..")
            return invalid(name, "\".\" and \"..\" are not allowed");
        for (unsigned char c : component) {
            if (c < 0x20 || c == 0x7f)
                return invalid(name, "control characters are not allowed");
            if (c == '*' || c == '%')
                return invalid(name, "'*' and '%' are IMAP wildcards");
            if (c == '.' && maildir_plus_plus)
                return invalid(name, "'.' is the folder separator on disk (Maildir++)");
            if (c == '\\')
                return invalid(name, "'\\' is not allowed");
        }
        if (component.front() == '.' || component.front() == '~')
            return invalid(name, "a level may not start with '.' or '~'");
        const auto encoded = core::utf8_to_mutf7(component);
        if (!encoded || encoded->size() > max_name_component_length)
            return invalid(name.substr(0, 40), "a level is too long");
        if (canonical.empty() && is_inbox(component))
            canonical = "INBOX";
        else
            canonical += component;
        if (end == std::string_view::npos)
            break;
        canonical += hierarchy_separator;
        start = end + 1;
    }
    return canonical;
}

std::filesystem::path maildir_folder_path(const std::filesystem::path& root, std::string_view canonical_name)
{
    const std::string encoded = core::utf8_to_mutf7(canonical_name).value_or(std::string(canonical_name));
    std::string entry = ".";
    for (char c : encoded)
        entry += c == hierarchy_separator ? '.' : c;
    return root / entry;
}

std::filesystem::path mbox_folder_path(const std::filesystem::path& root, std::string_view canonical_name)
{
    return root / core::utf8_to_mutf7(canonical_name).value_or(std::string(canonical_name));
}

std::string maildir_folder_name(std::string_view entry)
{
    if (entry.size() < 2 || entry.front() != '.' || entry == "..")
        return {};
    std::string mutf7(entry.substr(1));
    for (char& c : mutf7)
        if (c == '.')
            c = hierarchy_separator;
    const auto utf8 = core::mutf7_to_utf8(mutf7);
    if (!utf8 || !canonical_mailbox_name(*utf8, true))
        return {};
    return *utf8;
}

}  // namespace mailroom::mailstore
