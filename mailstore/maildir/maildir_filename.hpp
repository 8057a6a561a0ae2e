// mailstore/maildir/maildir_filename.hpp - Maildir file names (cr.yp.to/proto/maildir.html)
// as Dovecot and Courier write them: <secs>.M<usecs>P<pid>Q<n>.<host>,S=<size>,W=<vsize>
// followed, in cur/, by ":2,<flags>" with the standard flag letters D F P R S T in ASCII
// order and Dovecot's keyword letters a-z.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::mailstore::maildir {

// A new unique base name ("1764215630.M123456P4711Q3.mailhost"); '/' and ':' in the host
// name are escaped as \057 and \072, as Courier and Dovecot do.
std::string unique_base_name();

struct MaildirName {
    std::string_view base;      // everything before ":2," (the stable key of the message)
    std::string_view flags;     // letters after ":2,", possibly empty
    bool has_info = false;      // ":2," present (files in cur/)
    std::optional<std::uint64_t> size;          // ,S=
    std::optional<std::uint64_t> virtual_size;  // ,W=
};

MaildirName parse_maildir_name(std::string_view file_name);

// Orders base names by delivery time: the seconds, then the microseconds of "M<usecs>" as
// numbers (they are not zero-padded, so "M99999" sorts after "M100000" as text), then the
// names as text. Names without those parts compare as text. New messages get UIDs in this
// order, so mail delivered within one second keeps its delivery order.
bool delivered_before(std::string_view a, std::string_view b);

// Base name plus size fields: "<base>,S=<size>,W=<vsize>".
std::string with_sizes(std::string_view base, std::uint64_t size, std::uint64_t virtual_size);

// The file name for cur/: base + ":2," + sorted, de-duplicated flag letters.
std::string with_flags(std::string_view base, std::string_view flag_letters);

}  // namespace mailroom::mailstore::maildir
