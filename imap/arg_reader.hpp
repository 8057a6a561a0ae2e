// imap/arg_reader.hpp - typed access to a command's arguments for the handlers (RFC 3501 §9:
// astring, nstring, number, nz-number, sequence-set, mailbox, flag-list). Errors are sticky:
// the first one is kept and later calls return empty values, so a handler parses straight
// through and checks ok() once (aox's Command::error() habit).
#pragma once
#include "imap/protocol/arg.hpp"
#include "imap/protocol/sequence_set.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::imap {

class ArgReader {
public:
    explicit ArgReader(const std::vector<Arg>& args) : args_(&args) {}

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    void fail(std::string text);

    bool at_end() const { return pos_ >= args_->size(); }
    const Arg* peek() const { return at_end() ? nullptr : &(*args_)[pos_]; }
    // The next argument, or nullptr (and an error naming `what`) at the end.
    const Arg* next(std::string_view what);
    // True (and consumed) when the next argument is the atom `word` (any case).
    bool take_atom(std::string_view word);
    bool next_is_list() const { return peek() && peek()->is_list(); }

    std::string atom(std::string_view what);          // upper-cased
    std::string astring(std::string_view what);
    std::string string(std::string_view what);        // quoted or literal only
    std::optional<std::string> nstring(std::string_view what);
    std::uint32_t number(std::string_view what);      // 0 .. 2^32-1
    std::uint32_t nz_number(std::string_view what);
    std::uint64_t number64(std::string_view what);    // mod-sequence values (RFC 7162: < 2^63)
    SequenceSet sequence_set();
    // A mailbox name, decoded from modified UTF-7 to the storage API's UTF-8.
    std::string mailbox();
    const Arg* list(std::string_view what);
    void end();                                       // error when arguments are left

private:
    const std::vector<Arg>* args_;
    std::size_t pos_ = 0;
    std::string error_;
};

// For arguments inside a list: the same typed reads over its items.
inline ArgReader list_reader(const Arg& list) { return ArgReader(list.items); }

}  // namespace mailroom::imap
