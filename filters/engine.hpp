// filters/engine.hpp - the procmailrc engine: runs a site-wide rc file and a user's rc file
// over one message (procmail(1), procmailrc(5), procmailsc(5)) and hands every action to an
// ActionSink. A broken rc file, a missing folder or a failing program never loses the
// message: whatever was not delivered goes to $DEFAULT (then $ORGMAIL), errors are logged.
#pragma once
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/priv/credentials.hpp"
#include "filters/action_sink.hpp"

namespace mailroom::filters {

// Receives what the interpreter does, for the dry run. All methods have empty defaults.
class FilterTrace {
public:
    virtual ~FilterTrace() = default;
    virtual void rc_file(const std::string& /*path*/) {}
    virtual void recipe(const std::string& /*file*/, int /*line*/, const std::string& /*flags*/, bool /*runs*/) {}
    virtual void condition(int /*line*/, const std::string& /*text*/, bool /*matched*/,
                           std::optional<double> /*score*/) {}
    virtual void action(int /*line*/, const std::string& /*what*/, bool /*succeeded*/) {}
    virtual void assignment(const std::string& /*file*/, int /*line*/, const std::string& /*name*/,
                            const std::optional<std::string>& /*value*/) {}
};

struct FilterInput {
    std::string_view message;          // LF line ends; a leading From_ line is kept, else made
    std::string envelope_sender;       // for the From_ line (may be empty: the null sender <>)
    std::time_t arrival_time = 0;      // for the From_ line; 0: now
    // Assignments made after procmail's defaults, like procmail's command-line NAME=value:
    // HOME, LOGNAME, SHELL, ORGMAIL (the user's real mailbox), PATH, and the delivery's
    // LOCAL, DOMAIN, EXTENSION, RECIPIENT, SENDER. MAILDIR defaults to $HOME and DEFAULT to
    // $ORGMAIL.
    std::vector<std::pair<std::string, std::string>> variables;
    std::vector<std::string> arguments;   // $1, $2, ... ("-a" arguments)
    std::string site_rc;                  // run first when set (like /etc/procmailrc)
    std::string user_rc;                  // the user's rc file; a missing file is not an error
    std::optional<core::Credentials> run_as;  // identity for programs (ProgramRequest::run_as)
    FilterTrace* trace = nullptr;
};

struct DeliveryRecord {
    enum class Kind { folder, forward, program };
    Kind kind = Kind::folder;
    std::string destination;      // folder name, addresses, or command
    FolderKind folder_kind = FolderKind::mbox;
    std::string stored_path;      // what the sink reported (LASTFOLDER)
    bool copy = false;            // from a recipe with the c flag (processing went on)
    bool is_default = false;      // the fall-through to $DEFAULT / $ORGMAIL
    std::string rc_file;
    int line = 0;
};

struct FilterError {
    std::string rc_file;          // empty for errors outside any rc file
    int line = 0;
    std::string text;
};

struct FilterOutcome {
    std::vector<DeliveryRecord> deliveries;   // successful deliveries, in order
    bool delivered = false;       // the message reached its final destination (or DELIVERED=yes,
                                  // or a HOST mismatch, which procmail treats as delivered)
    bool to_default = false;      // it went to $DEFAULT or $ORGMAIL at the end
    int exit_code = 0;            // 0; 73 (EX_CANTCREAT) when not delivered; or $EXITCODE
    std::vector<FilterError> errors;
};

constexpr int ex_cantcreat = 73;

class ProgramCache;
class RegexCache;

// Thread-safe: one Engine serves many deliveries. rc files are parsed once and kept while
// their path, size and mtime stay the same; compiled regexes are shared.
class Engine {
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    FilterOutcome run(const FilterInput& input, ActionSink& sink);

private:
    std::unique_ptr<ProgramCache> programs_;
    std::unique_ptr<RegexCache> regexes_;
};

}  // namespace mailroom::filters
