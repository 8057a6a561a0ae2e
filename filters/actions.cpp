// filters/actions.cpp - recipe action lines (procmailrc(5) "Recipe action line", "Local
// lockfile"): folders (mbox file, dir/ Maildir, dir/. MH, directory, /dev/null), `! addresses`
// through $SENDMAIL $SENDMAILFLAGS, and `| program` with f/w/W/i/h/b/r and VAR=| capture.
// Programs run through $SHELL when the line holds one of $SHELLMETAS, as procmail does.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "filters/interpreter.hpp"

namespace mailroom::filters {

namespace {
std::vector<std::string> split_blanks(const std::string& s)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
            ++i;
        std::size_t j = i;
        while (j < s.size() && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n'))
            ++j;
        if (j > i)
            out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool is_directory(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string trimmed(const std::string& s)
{
    const std::size_t start = s.find_first_not_of(" \t\n");
    if (start == std::string::npos)
        return {};
    return s.substr(start, s.find_last_not_of(" \t\n") + 1 - start);
}

bool is_executable_file(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}
}  // namespace

// procmail execvp()s a program line without shell metacharacters itself, and when that fails
// hands the same words to /bin/sh (which then tries to read the first word as a script).
std::vector<std::string> Interpreter::direct_argv(std::vector<std::string> words) const
{
    std::string found;
    if (words[0].find('/') != std::string::npos) {
        const std::string path = resolve(words[0]);
        if (is_executable_file(path))
            found = path;
    } else {
        const std::string path = get("PATH");
        for (std::size_t start = 0; start <= path.size();) {
            const std::size_t colon = path.find(':', start);
            std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            const std::string candidate = resolve((dir.empty() ? "." : dir) + "/" + words[0]);
            if (is_executable_file(candidate)) {
                found = candidate;
                break;
            }
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
    }
    if (found.empty()) {
        words.insert(words.begin(), "/bin/sh");
        return words;
    }
    words[0] = found;
    return words;
}

std::vector<std::string> Interpreter::environment() const
{
    std::vector<std::string> env;
    env.reserve(vars_.size());
    for (const auto& [name, value] : vars_)
        env.push_back(name + "=" + value);
    return env;
}

ProgramRequest Interpreter::program_request(ProgramRequest::Purpose purpose, const std::string& text)
{
    ProgramRequest req;
    req.purpose = purpose;
    req.display = trimmed(text);
    const std::string metas = get("SHELLMETAS");
    std::string shell = get("SHELL");
    if (shell.empty())
        shell = "/bin/sh";
    const std::string flags = vars_.contains("SHELLFLAGS") ? get("SHELLFLAGS") : "-c";
    if (text.find_first_of(metas) != std::string::npos) {
        req.argv = {shell, flags, text};  // the shell does the expansion, from the environment
    } else {
        const std::vector<std::string> words = parse_words(text, SplitMode::words, this).words;
        if (!words.empty() && words[0] == "test") {
            req.argv = {shell, flags, text};
        } else if (!words.empty()) {
            req.argv = direct_argv(words);
        }
    }
    req.env = environment();
    req.working_directory = cwd_;
    req.run_as = input_->run_as;
    if (const std::string t = get("TIMEOUT"); !t.empty())
        req.timeout = std::chrono::seconds(std::strtol(t.c_str(), nullptr, 10));
    return req;
}

ProgramResult Interpreter::run_program(const ProgramRequest& req, bool forward)
{
    ProgramResult res = forward ? sink_->forward(req) : sink_->run_program(req);
    log_text(res.diagnostics);  // a program's stderr goes to LOGFILE, as with procmail
    return res;
}

std::string Interpreter::backquote(std::string_view command)
{
    ProgramRequest req = program_request(ProgramRequest::Purpose::backquote, std::string(command));
    const std::string input = recipe_payload(*message_, true, true, false, false);
    req.input = input;
    req.capture_output = true;
    const ProgramResult res = run_program(req);
    last_exit_ = res.ran ? res.exit_status : 127;
    std::string out = res.output;
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

void Interpreter::record(DeliveryRecord::Kind kind, const std::string& destination, const RecipeContext& rc,
                         FolderKind fkind, const std::string& stored, bool is_default)
{
    DeliveryRecord d;
    d.kind = kind;
    d.destination = destination;
    d.folder_kind = fkind;
    d.stored_path = stored;
    d.copy = is_clone_ || (rc.recipe && rc.recipe->flags.copy);
    d.is_default = is_default;
    d.rc_file = rc.file;
    d.line = rc.line;
    out_->deliveries.push_back(std::move(d));
}

std::optional<std::string> Interpreter::local_lockfile(const RecipeContext& rc, const std::string& target,
                                                       bool is_program)
{
    if (!rc.recipe || !rc.recipe->local_lock)
        return std::nullopt;
    const RecipeHeader h = parse_recipe_header(parse_words(rc.recipe->header_text, SplitMode::words, this).words);
    if (!h.lockfile.empty())
        return resolve(h.lockfile);
    if (!is_program)
        return resolve(target) + get("LOCKEXT");
    // The implicit lock of a program is the file after its first ">>".
    const std::size_t at = target.find(">>");
    if (at != std::string::npos) {
        std::size_t s = target.find_first_not_of(" \t", at + 2);
        if (s != std::string::npos) {
            const std::size_t e = target.find_first_of(" \t\n;&|()", s);
            std::string file = target.substr(s, e == std::string::npos ? std::string::npos : e - s);
            file = expand_in_quotes(file, *this);
            return resolve(file) + get("LOCKEXT");
        }
    }
    error("Couldn't determine implicit lockfile from \"" + target + "\"", rc.line);
    return resolve(get("LOCKEXT"));
}

bool Interpreter::run_action(const RecipeContext& rc)
{
    const Recipe& r = *rc.recipe;
    if (r.action == ActionKind::forward)
        return run_forward(rc);
    if (r.action == ActionKind::pipe)
        return run_pipe(rc);
    if (r.flags.filter)
        error("Extraneous filter-flag ignored", rc.line);
    const std::vector<std::string> names = parse_words(r.action_text, SplitMode::words, this).words;
    if (names.empty() || names[0].empty()) {
        error("Missing action", r.action_line);
        return false;
    }
    return save_folder(rc, names, false);
}

bool Interpreter::save_folder(const RecipeContext& rc, const std::vector<std::string>& names, bool is_default)
{
    const std::string& name = names[0];
    std::string path = resolve(name);
    FolderKind kind = FolderKind::mbox;
    std::string shown = name;  // the folder name as LASTFOLDER starts it
    if (path == "/dev/null") {
        kind = FolderKind::devnull;
    } else if (path.ends_with("/.")) {
        kind = FolderKind::mh;
        path.resize(path.size() - 2);
        shown.resize(shown.size() - 2);
    } else if (path.ends_with("/")) {
        kind = FolderKind::maildir;
        while (path.size() > 1 && path.ends_with("/"))
            path.pop_back();
        while (shown.size() > 1 && shown.ends_with("/"))
            shown.pop_back();
    } else if (is_directory(path)) {
        kind = FolderKind::directory;
    }
    const Recipe* r = rc.recipe;
    const bool whole = is_default || r->flags.filter;
    const std::string payload =
        recipe_payload(*message_, whole || r->flags.pass_header, whole || r->flags.pass_body,
                       // procmail writes Maildir files as they are, without the empty last line
                       kind == FolderKind::devnull || kind == FolderKind::maildir || (!is_default && r->flags.raw),
                       kind == FolderKind::maildir);
    std::optional<std::string> lock = is_default ? std::nullopt : local_lockfile(rc, name, false);
    if (lock && kind == FolderKind::mbox && *lock == path + get("LOCKEXT"))
        lock.reset();  // the mbox writer takes exactly this dotlock itself
    if (lock && *lock == global_lock_) {
        error("Deadlock attempted on \"" + *lock + "\"", rc.line);
        lock.reset();
    }
    if (lock && !sink_->acquire_lock(*lock, lock_policy())) {
        error("Lock failure on \"" + *lock + "\"", rc.line);
        lock.reset();
    }
    SaveRequest req{path, name, kind, payload, input_->envelope_sender, is_default, !is_default && r->flags.raw, umask_};
    const SaveResult res = sink_->save(req);
    if (lock)
        sink_->release_lock(*lock);
    if (input_->trace)
        input_->trace->action(rc.line, std::string(to_string(kind)) + " " + name, res.ok);
    if (!res.ok) {
        error("Error while writing to \"" + name + "\"" + (res.error.empty() ? "" : ": " + res.error), rc.line);
        return false;
    }
    std::string last = shown;
    if (kind != FolderKind::mbox && kind != FolderKind::devnull && res.stored_path.starts_with(path))
        last += res.stored_path.substr(path.size());
    for (std::size_t i = 1; i < names.size(); ++i) {  // further directories get a copy as well
        const std::string extra = resolve(names[i]);
        if (!(extra.ends_with("/") || is_directory(extra)))
            continue;
        SaveRequest more = req;
        more.path = extra;
        more.name = names[i];
        more.kind = extra.ends_with("/.") ? FolderKind::mh : extra.ends_with("/") ? FolderKind::maildir
                                                                                   : FolderKind::directory;
        while (more.path.ends_with("/.") || (more.path.size() > 1 && more.path.ends_with("/")))
            more.path.resize(more.path.ends_with("/.") ? more.path.size() - 2 : more.path.size() - 1);
        const bool to_maildir = more.kind == FolderKind::maildir;
        const std::string more_payload = recipe_payload(*message_, true, true, to_maildir, to_maildir);
        more.message = more_payload;
        if (const SaveResult m = sink_->save(more); m.ok)
            last += " " + m.stored_path;
    }
    vars_["LASTFOLDER"] = last;
    last_dump_ = static_cast<long>(res.bytes_written ? res.bytes_written : payload.size());
    record(DeliveryRecord::Kind::folder, name, rc, kind, res.stored_path, is_default);
    if (!is_default && r->flags.copy && get("LOGABSTRACT") == "all")
        log_abstract(last);
    return true;
}

bool Interpreter::run_pipe(const RecipeContext& rc)
{
    const Recipe& r = *rc.recipe;
    const bool capture = !r.capture_variable.empty();
    const auto purpose = capture ? ProgramRequest::Purpose::capture
                                 : r.flags.filter ? ProgramRequest::Purpose::filter : ProgramRequest::Purpose::pipe;
    ProgramRequest req = program_request(purpose, r.action_text);
    if (req.argv.empty()) {
        error("Piping to stdout is not supported", r.action_line);
        return false;
    }
    const std::string payload = recipe_payload(*message_, r.flags.pass_header, r.flags.pass_body, r.flags.raw, false);
    req.input = payload;
    req.capture_output = capture || r.flags.filter;
    bool wait = r.flags.wait || r.flags.wait_quiet;
    bool quiet = r.flags.wait_quiet;
    std::optional<std::string> lock = local_lockfile(rc, r.action_text, true);
    if (lock && !wait)
        wait = quiet = true;  // procmail waits for a locked program, quietly
    if (lock && !sink_->acquire_lock(*lock, lock_policy())) {
        error("Lock failure on \"" + *lock + "\"", rc.line);
        lock.reset();
    }
    if (r.flags.copy && (capture || r.flags.filter))
        error("Extraneous copy-flag ignored", rc.line);
    const ProgramResult res = run_program(req);
    if (lock)
        sink_->release_lock(*lock);
    last_exit_ = res.ran ? res.exit_status : 127;
    if (!res.ran)
        error("Failed to execute \"" + r.action_text + "\"" + (res.error.empty() ? "" : ": " + res.error), rc.line);
    const bool exit_ok = res.ran && res.exit_status == 0;
    bool ok = res.ran && (!wait || exit_ok) && (res.stdin_fully_written || r.flags.ignore_write_errors);
    if (res.ran && wait && !exit_ok && !quiet)
        error("Program failure (" + std::to_string(res.exit_status) + ") of \"" + r.action_text + "\"", rc.line);
    if (input_->trace)
        input_->trace->action(rc.line, (capture ? r.capture_variable + "=| " : "| ") + trimmed(r.action_text), ok);
    if (capture) {
        if (!ok)
            return false;  // like procmail, a failed capture leaves the variable as it was
        std::string out = res.output;
        if (!out.empty() && out.back() == '\n')
            out.pop_back();  // procmailrc(5) BUGS: exactly one trailing newline is stripped
        set_variable(r.capture_variable, std::move(out), rc.line);
        return ok;
    }
    if (r.flags.filter) {
        if (!ok)
            return false;  // the text stays unfiltered
        if (message_.use_count() > 1)
            message_ = std::make_shared<MailMessage>(*message_);
        if (r.flags.pass_header && !r.flags.pass_body)
            message_->replace_header(res.output);
        else if (r.flags.pass_body && !r.flags.pass_header)
            message_->replace_body(res.output);
        else
            message_->replace_all(res.output);
        return true;
    }
    if (ok) {
        vars_["LASTFOLDER"] = r.action_text;
        last_dump_ = static_cast<long>(payload.size());
        record(DeliveryRecord::Kind::program, r.action_text, rc, FolderKind::mbox, {}, false);
        if (r.flags.copy && get("LOGABSTRACT") == "all")
            log_abstract(r.action_text);
    }
    return ok;
}

bool Interpreter::run_forward(const RecipeContext& rc)
{
    const Recipe& r = *rc.recipe;
    const std::vector<std::string> addresses = parse_words(r.action_text, SplitMode::words, this).words;
    ProgramRequest req;
    req.purpose = ProgramRequest::Purpose::forward;
    req.argv.push_back(get("SENDMAIL"));
    for (std::string& f : split_blanks(get("SENDMAILFLAGS")))
        req.argv.push_back(std::move(f));
    req.argv.insert(req.argv.end(), addresses.begin(), addresses.end());
    req.display = "! " + trimmed(r.action_text);
    req.env = environment();
    req.working_directory = cwd_;
    req.run_as = input_->run_as;
    const std::string payload = recipe_payload(*message_, r.flags.pass_header, r.flags.pass_body, r.flags.raw, true);
    req.input = payload;
    const ProgramResult res = run_program(req, true);
    const bool wait = r.flags.wait || r.flags.wait_quiet;
    const bool ok = res.ran && (!wait || res.exit_status == 0) &&
                    (res.stdin_fully_written || r.flags.ignore_write_errors);
    last_exit_ = res.ran ? res.exit_status : 127;
    if (!ok)
        error("Forwarding to \"" + trimmed(r.action_text) + "\" failed" + (res.error.empty() ? "" : ": " + res.error), rc.line);
    if (input_->trace)
        input_->trace->action(rc.line, "! " + trimmed(r.action_text), ok);
    if (ok) {
        vars_["LASTFOLDER"] = get("SENDMAIL");
        last_dump_ = static_cast<long>(payload.size());
        std::string joined;
        for (const std::string& a : addresses)
            joined += (joined.empty() ? "" : " ") + a;
        record(DeliveryRecord::Kind::forward, joined, rc, FolderKind::mbox, {}, false);
    }
    return ok;
}

}  // namespace mailroom::filters
