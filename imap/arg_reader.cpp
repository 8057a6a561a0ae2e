// imap/arg_reader.cpp - typed argument access (see arg_reader.hpp).
#include "imap/arg_reader.hpp"

#include "core/util/strings.hpp"
#include "imap/protocol/wire_name.hpp"

namespace mailroom::imap {

void ArgReader::fail(std::string text)
{
    if (error_.empty())
        error_ = std::move(text);
}

const Arg* ArgReader::next(std::string_view what)
{
    if (!ok())
        return nullptr;
    if (at_end()) {
        fail("Missing argument: " + std::string(what));
        return nullptr;
    }
    return &(*args_)[pos_++];
}

bool ArgReader::take_atom(std::string_view word)
{
    if (!ok() || !peek() || !peek()->is_atom() || !core::iequals(peek()->text, word))
        return false;
    ++pos_;
    return true;
}

std::string ArgReader::atom(std::string_view what)
{
    const Arg* arg = next(what);
    if (!arg)
        return {};
    if (!arg->is_atom()) {
        fail("Invalid " + std::string(what));
        return {};
    }
    return core::to_upper(arg->text);
}

std::string ArgReader::astring(std::string_view what)
{
    const Arg* arg = next(what);
    if (!arg)
        return {};
    if (arg->is_list() || arg->streamed) {
        fail("Invalid " + std::string(what));
        return {};
    }
    return arg->text;
}

std::string ArgReader::string(std::string_view what)
{
    const Arg* arg = next(what);
    if (arg && (!arg->is_string() || arg->streamed))
        fail("Invalid " + std::string(what) + ": expected a string");
    return ok() ? arg->text : std::string();
}

std::optional<std::string> ArgReader::nstring(std::string_view what)
{
    const Arg* arg = next(what);
    if (!arg || arg->is_nil())
        return std::nullopt;
    if (!arg->is_string()) {
        fail("Invalid " + std::string(what) + ": expected a string or NIL");
        return std::nullopt;
    }
    return arg->text;
}

std::uint64_t ArgReader::number64(std::string_view what)
{
    const Arg* arg = next(what);
    if (!arg)
        return 0;
    const auto value = arg->is_atom() && arg->text.size() <= 19 ? core::parse_uint(arg->text) : std::nullopt;
    if (!value || *value > static_cast<std::uint64_t>(INT64_MAX)) {
        fail("Invalid " + std::string(what) + ": expected a number");
        return 0;
    }
    return *value;
}

std::uint32_t ArgReader::number(std::string_view what)
{
    const std::uint64_t value = number64(what);
    if (value > UINT32_MAX) {
        fail("Invalid " + std::string(what) + ": number too big");
        return 0;
    }
    return static_cast<std::uint32_t>(value);
}

std::uint32_t ArgReader::nz_number(std::string_view what)
{
    const std::uint32_t value = number(what);
    if (ok() && value == 0)
        fail("Invalid " + std::string(what) + ": must not be 0");
    return value;
}

SequenceSet ArgReader::sequence_set()
{
    const Arg* arg = next("sequence set");
    std::optional<SequenceSet> set;
    if (arg && arg->is_atom())
        set = SequenceSet::parse(arg->text);
    if (arg && !set)
        fail("Invalid sequence set");
    return set ? std::move(*set) : SequenceSet();
}

std::string ArgReader::mailbox()
{
    const std::string wire = astring("mailbox name");
    if (!ok())
        return {};
    auto utf8 = decode_mailbox_name(wire);
    if (!utf8) {
        fail("Mailbox name is not valid modified UTF-7");
        return {};
    }
    return std::move(*utf8);
}

const Arg* ArgReader::list(std::string_view what)
{
    const Arg* arg = next(what);
    if (arg && !arg->is_list()) {
        fail("Invalid " + std::string(what) + ": expected a parenthesized list");
        return nullptr;
    }
    return arg;
}

void ArgReader::end()
{
    if (ok() && !at_end())
        fail("Unexpected extra arguments");
}

}  // namespace mailroom::imap
