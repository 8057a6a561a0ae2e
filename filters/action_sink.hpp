// filters/action_sink.hpp - what the filter engine asks its caller to do (procmailrc(5)
// "Recipe action line"): store into a folder, run a program, forward, write LOGFILE, take a
// lockfile. "Filters decide, delivery acts": delivery implements save() with mailstore's
// writers; programs run through core::run_command by default; the dry run records instead.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/priv/credentials.hpp"

namespace mailroom::filters {

enum class FolderKind {
    mbox,       // a file: append with a From_ line, locked
    maildir,    // "dir/": tmp/ then new/
    mh,         // "dir/.": next free number
    directory,  // an existing directory: a new msg.XXXX file
    devnull,    // /dev/null: nothing is written, the delivery succeeds
};
const char* to_string(FolderKind kind);

struct SaveRequest {
    std::string path;            // absolute path of the mbox file or the directory
    std::string name;            // the folder as the rc file named it (after expansion)
    FolderKind kind = FolderKind::mbox;
    std::string_view message;    // the bytes to store. mbox, mh and directory: starts with the
                                 // From_ line when the recipe passes the header (procmail
                                 // writes it as is); maildir: never has one.
    std::string envelope_sender;
    bool is_default = false;     // the final delivery to $DEFAULT (or $ORGMAIL as last resort)
    bool raw = false;            // the r flag: procmail writes an mbox message without quoting
                                 // "From " lines (mailroom's mbox writer always quotes them)
    unsigned umask = 077;
};

struct SaveResult {
    bool ok = false;
    std::string stored_path;     // the file written (maildir/MH/directory) or the mbox; LASTFOLDER
    std::string error;           // why it failed: "cannot open /x: Permission denied"
    std::uint64_t bytes_written = 0;  // bytes the folder grew by (">From " quoting included), for
                                      // the LOGABSTRACT line; 0: the message size is shown
};

struct ProgramRequest {
    enum class Purpose { pipe, filter, capture, condition, backquote, forward, trap };
    Purpose purpose = Purpose::pipe;
    std::vector<std::string> argv;     // the complete command line: [$SHELL, $SHELLFLAGS, text], or
                                       // the words with argv[0] found on $PATH, or
                                       // ["/bin/sh", words...] when it was not found (as procmail)
    std::string display;               // the command as written, for logs and the dry run
    std::vector<std::string> env;      // the complete environment, NAME=value
    std::string working_directory;     // $MAILDIR as reached by chdir
    std::optional<core::Credentials> run_as;
    std::string_view input;            // stdin
    bool capture_output = false;
    std::chrono::seconds timeout{960}; // procmail's TIMEOUT default
};

struct ProgramResult {
    bool ran = false;                  // false: could not be started (or the dry run skipped it)
    int exit_status = -1;              // -1 when killed by a signal or not run
    std::string output;                // stdout when capture_output
    std::string error;                 // why it could not run, or that it timed out
    std::string diagnostics;           // its stderr (procmail appends it to LOGFILE)
    bool stdin_fully_written = true;
};

struct LockPolicy {
    std::chrono::seconds sleep{8};     // LOCKSLEEP
    std::chrono::seconds timeout{1024};  // LOCKTIMEOUT: older locks are removed; 0 = never
    std::chrono::seconds give_up{960};   // stop waiting after this long (TIMEOUT)
};

class ActionSink {
public:
    virtual ~ActionSink() = default;

    // Stores the message. Must not throw for ordinary failures: return ok=false with `error`.
    virtual SaveResult save(const SaveRequest& request) = 0;

    // Runs a program. Default: core::run_command with the request's identity and limits.
    virtual ProgramResult run_program(const ProgramRequest& request);

    // Forwards: request.argv is "$SENDMAIL" $SENDMAILFLAGS addresses..., input the message
    // without its From_ line. Default: run_program(request).
    virtual ProgramResult forward(const ProgramRequest& request);

    // Appends text to LOGFILE. Default: open O_APPEND|O_CREAT (mode 0600) and write.
    virtual void log(const std::string& logfile, std::string_view text);

    // procmail lockfiles ($LOCKFILE and the local lockfile of a recipe). Default: create the
    // file with O_EXCL, retrying every policy.sleep, removing it when older than
    // policy.timeout; returns false when it could not be taken.
    virtual bool acquire_lock(const std::string& path, const LockPolicy& policy);
    virtual void release_lock(const std::string& path);
};

}  // namespace mailroom::filters
