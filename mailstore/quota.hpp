// mailstore/quota.hpp - per-user storage quota. Maildir users keep Maildir++'s "maildirsize"
// file (Courier/Dovecot compatible: a limit line "<bytes>S,<count>C" followed by
// "<bytes> <count>" delta lines, recalculated when larger than 5120 bytes or older than
// 15 minutes); mbox users are measured by the size of their mbox files.
#pragma once
#include "core/auth/user.hpp"
#include "core/config/config.hpp"
#include "mailstore/errors.hpp"
#include "mailstore/location.hpp"

#include <cstdint>

namespace mailroom::mailstore {

struct QuotaLimit {
    std::uint64_t storage_bytes = 0;   // 0: unlimited
    std::uint64_t messages = 0;        // 0: unlimited
    bool unlimited() const { return storage_bytes == 0 && messages == 0; }
};

struct QuotaUsage {
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0;
};

// The user's limit: Dovecot's quota_rule=*:storage=1G[:messages=N] extra field in the users
// file (also "quota_rule=*:storage=1024M", "...=0" for none), else quota_storage_limit.
// `error` is set for an unparseable quota_rule (the limit then falls back to the default).
QuotaLimit user_quota(const core::User& user, const core::Config& config, std::string& error);

// Current usage. For Maildir, from maildirsize (recalculated by scanning when stale or
// missing, written back with the limit line); for mbox, the sizes of the mbox files.
Result<QuotaUsage> quota_usage(const MailLocation& location, const QuotaLimit& limit);

// Errc::over_quota ("mailbox is full: 1048576 of 1048576 bytes used") when adding a
// message of `incoming_bytes` would exceed the limit; success when unlimited.
Result<void> check_quota(const MailLocation& location, const QuotaLimit& limit, std::uint64_t incoming_bytes);

// Records messages added (count > 0) or removed (count < 0) in maildirsize, so the next check
// need not rescan; a no-op for mbox and for unlimited users.
Result<void> record_quota_change(const MailLocation& location, const QuotaLimit& limit, std::int64_t bytes,
                                 std::int64_t count);

}  // namespace mailroom::mailstore
