// mailstore/folder_delivery.hpp - deliver one message into a mailbox named by a path, the
// way Postfix local(8) and procmail do. mbox file: dotlock + fcntl lock, From_ line,
// mboxrd ">From " quoting (RFC 4155), fsync, truncated back to its old size on any failure.
// Maildir: tmp/ -> new/ with fsync of file and directory. MH folder: the next number.
// procmail "directory" folder: msg.XXXX. Used for `/path` targets of aliases and .forward,
// for filter folders, and by the mailbox store for its own appends.
#pragma once
#include "mailstore/commit_observer.hpp"
#include "mailstore/errors.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>

namespace mailroom::mailstore {

// How an mbox file is locked: Postfix's and procmail's discipline, in this order:
// dotlock (PATH.lock, O_EXCL, broken when older than stale_after), then fcntl.
struct MboxLockPolicy {
    bool dotlock = true;
    bool fcntl_lock = true;
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // give up: Errc::in_use
    std::chrono::seconds stale_after{std::chrono::minutes(5)};     // dotlock older than this is removed
};

struct MboxDeliveryOptions {
    std::string envelope_sender;   // for the "From " line; empty means MAILER-DAEMON
    std::time_t arrival_time = 0;  // for the "From " line; 0 means now
    MboxLockPolicy lock;
    bool fsync = true;
    bool create = true;            // create the file (mode 0600) if it does not exist
    CommitObserver* observer = nullptr;   // told before the append (commit_observer.hpp)
};

struct FolderDelivery {
    std::filesystem::path path;    // the mbox file, or the new message file
    std::uint64_t bytes_written = 0;
};

// Appends `message` (LF line ends, without a "From " line; a leading one is replaced)
// to the mbox file `file`. Lines matching ^>*From  are quoted with one more '>'; a
// missing final newline is added and the message is followed by an empty line.
// Refuses (Errc::unsafe_path) a symlink, a file with more than one link, a non-regular
// file, or a file that changed identity between lstat and open.
Result<FolderDelivery> deliver_to_mbox(const std::filesystem::path& file, std::string_view message,
                                       const MboxDeliveryOptions& options);

struct MaildirDeliveryOptions {
    bool fsync = true;
    bool create = true;            // create DIR/{tmp,new,cur} (mode 0700) when missing
    std::string info;              // ":2,FLAGS" suffix to deliver straight into cur/; empty: new/
    CommitObserver* observer = nullptr;   // told before the rename (commit_observer.hpp)
};

// Writes `message` into DIR/tmp/<unique>, fsyncs it, links it to DIR/new/<unique>,S=<size>
// (or cur/ when options.info is set) and fsyncs the directory. The unique name is
// <secs>.M<usecs>P<pid>Q<n>.<host> with '/' and ':' in the host escaped (Dovecot/Courier).
Result<FolderDelivery> deliver_to_maildir(const std::filesystem::path& dir, std::string_view message,
                                          const MaildirDeliveryOptions& options);

// Finishes a Maildir delivery that a crash interrupted after deliver_to_maildir told its
// observer about `tmp` -> `target`. When `tmp` is still there the rename never happened: it
// is done now (never replacing a file). When `tmp` is gone the rename had happened (the copy
// may since have been read, moved or deleted: it was delivered). Either way target's
// directory is fsync'd and the result is true: the copy is delivered and durable. false only
// when `target` is another file (a name collision the crash kept from being handled): `tmp`
// is removed and the caller delivers afresh.
Result<bool> complete_maildir_delivery(const std::filesystem::path& tmp, const std::filesystem::path& target);

// MH folder (procmail "dir/."): the next free number, created with O_EXCL.
Result<FolderDelivery> deliver_to_mh(const std::filesystem::path& dir, std::string_view message, bool fsync = true);

// procmail's plain directory folder ("dir" that is an existing directory): msg.XXXX.
Result<FolderDelivery> deliver_to_msg_directory(const std::filesystem::path& dir, std::string_view message,
                                                bool fsync = true);

}  // namespace mailroom::mailstore
