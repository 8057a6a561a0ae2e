// delivery/resolve/user_files.hpp - reading .forward and :include: files with Postfix
// local(8)'s checks (dotforward.c, include.c): opened with the reader's file-system identity
// (so a user cannot make mailroom read a file they could not read), regular files only, and
// refused when others could have written them. Call only on a blocking-pool thread.
#pragma once
#include "core/priv/credentials.hpp"

#include <sys/types.h>

#include <optional>
#include <string>

namespace mailroom::delivery {

struct UserFile {
    enum class Status {
        ok,        // `text` holds the content
        missing,   // no such file (or its directory cannot be searched): try the next one
        refused,   // exists but must not be trusted, or cannot be read: `why` says which
    };
    Status status = Status::missing;
    std::string text;
    std::string why;    // "file /home/ann/.forward is group or world writable"
    uid_t owner = 0;
};

// A .forward file, read as `user`: no symlink, a regular file owned by `user` or root, not
// group- or world-writable, at most 1 MiB.
UserFile read_forward_file(const std::string& path, const core::Credentials& user);

// An :include: file, read as `reader` (unset: mailroom's own identity, for root-owned
// aliases): a regular file (symlinks allowed, as in Postfix), not world-writable.
UserFile read_include_file(const std::string& path, const std::optional<core::Credentials>& reader);

}  // namespace mailroom::delivery
