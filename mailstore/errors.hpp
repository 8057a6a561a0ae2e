// mailstore/errors.hpp - the failure kinds every storage call reports, and Result<T>.
// Protocols map them in one place each: IMAP to RFC 5530 response codes, POP3 to RFC 3206
// codes, LMTP to RFC 3463 enhanced status codes (after Dovecot's enum mail_error).
#pragma once
#include <boost/system/result.hpp>

#include <string>
#include <system_error>

namespace mailroom::mailstore {

enum class Errc {
    not_found = 1,   // no such mailbox or message          IMAP [NONEXISTENT]
    already_exists,  // mailbox exists                       IMAP [ALREADYEXISTS]
    no_permission,   // refused by file permissions/policy   IMAP [NOPERM]
    over_quota,      // quota or mailbox_size_limit          IMAP [OVERQUOTA], LMTP 5.2.2/4.2.2
    in_use,          // lock held elsewhere past the timeout IMAP [INUSE], POP3 [IN-USE], LMTP 4.2.0
    expunged,        // message vanished meanwhile           IMAP [EXPUNGEISSUED]
    corrupt,         // damaged mailbox or index             IMAP [SERVERBUG]
    temporary,       // ENOSPC, EIO, ...: try again later    IMAP [UNAVAILABLE], LMTP 4.3.0
    invalid_name,    // mailbox name not allowed             IMAP [CANNOT]
    too_big,         // message larger than allowed          IMAP [TOOBIG], LMTP 5.3.4
    unsafe_path,     // symlink, hard link, wrong owner, world-writable dir: refused (local(8) rules)
    has_children,    // a mailbox with children cannot be deleted     IMAP [CANNOT]
};

const std::error_category& store_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept
{
    return {static_cast<int>(e), store_category()};
}

// Classifies an errno the way Postfix's mbox_dsn() does: ENOSPC/EIO -> temporary,
// EDQUOT/EFBIG -> over_quota, EACCES/EPERM -> no_permission, ELOOP/EMLINK -> unsafe_path.
Errc classify_errno(int err) noexcept;

// A failure with the context a log line or a protocol reply needs:
// "cannot open /var/mail/ann: Permission denied".
struct Error {
    std::error_code code;
    std::string text;

    bool is(Errc e) const { return code == make_error_code(e); }
};

// Thrown by Result<T>::value() on an error (found by ADL from boost::system::result).
class StoreError : public std::system_error {
public:
    explicit StoreError(const Error& e) : std::system_error(e.code, e.text) {}
};
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

// Convenience: an Error for an errno from a file operation on `path`.
Error errno_error(int err, std::string_view what, std::string_view path);

}  // namespace mailroom::mailstore

template <>
struct std::is_error_code_enum<mailroom::mailstore::Errc> : std::true_type {};
