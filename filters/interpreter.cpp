// filters/interpreter.cpp - procmail's main interpreter loop (procmailrc(5) "Recipes",
// "Environment"): rc files as a stack of frames (INCLUDERC pushes, SWITCHRC replaces),
// nesting blocks with the saved A/E state, and the variables whose assignment acts
// (MAILDIR, LOGFILE, LOG, LOCKFILE, HOST, DELIVERED, SHIFT, UMASK, INCLUDERC, SWITCHRC).
#include "filters/interpreter.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace mailroom::filters {

namespace {
std::string host_name()
{
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "localhost";
    return buf;
}

bool is_directory(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

Interpreter::Interpreter(const FilterInput& input, ActionSink& sink, ProgramCache& programs, RegexCache& regexes,
                         FilterOutcome& outcome)
    : input_(&input), sink_(&sink), programs_(&programs), regexes_(&regexes), out_(&outcome)
{
    message_ = std::make_shared<MailMessage>(input.message, input.envelope_sender,
                                             input.arrival_time ? input.arrival_time : std::time(nullptr));
    args_ = input.arguments;
    // procmailrc(5) "Environment variable defaults"; the caller's assignments come after, as
    // procmail's command-line assignments do.
    vars_ = {{"SHELL", "/bin/sh"},       {"SHELLMETAS", "&|<>~;?*["}, {"SHELLFLAGS", "-c"},
             {"MSGPREFIX", "msg."},       {"SENDMAIL", "/usr/sbin/sendmail"}, {"SENDMAILFLAGS", "-oi"},
             {"HOST", host_name()},       {"LOCKEXT", ".lock"},       {"PROCMAIL_VERSION", "3.22"},
             {"HOME", "/"},               {"LOGNAME", input.run_as ? input.run_as->user_name : ""}};
    cwd_ = "/";
    for (const auto& [name, value] : input.variables) {
        if (name == "INCLUDERC" || name == "SWITCHRC")
            continue;  // procmail(1): command-line assignments to these have no effect
        vars_[name] = value;
    }
    const std::string home = vars_["HOME"];
    if (!vars_.contains("PATH"))
        vars_["PATH"] = home + "/bin:/usr/local/bin:/usr/bin:/bin";
    if (!vars_.contains("ORGMAIL"))
        vars_["ORGMAIL"] = "/var/mail/" + vars_["LOGNAME"];
    if (!vars_.contains("DEFAULT"))
        vars_["DEFAULT"] = vars_["ORGMAIL"];
    if (!vars_.contains("MAILDIR"))
        vars_["MAILDIR"] = home;
    for (const char* name : {"MAILDIR", "LOGFILE", "UMASK", "LOCKFILE", "DELIVERED"})
        if (vars_.contains(name))
            after_assignment(name, 0);
    if (!input.site_rc.empty())
        pending_rcs_.push_back(input.site_rc);
    if (!input.user_rc.empty())
        pending_rcs_.push_back(input.user_rc);
}

std::string Interpreter::get(const std::string& name) const
{
    auto it = vars_.find(name);
    return it == vars_.end() ? std::string() : it->second;
}

bool Interpreter::is_true(const std::string& name) const
{
    // procmailrc(5) MISCELLANEOUS: true is a non-zero number, "on", "y", "t" or "e".
    const std::string v = get(name);
    if (v.empty())
        return false;
    if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-' || v[0] == '+')
        return std::strtol(v.c_str(), nullptr, 10) != 0;
    const char c = static_cast<char>(v[0] | 0x20);
    if (c == 'o')
        return v.size() > 1 && (v[1] | 0x20) == 'n';
    return c == 'y' || c == 't' || c == 'e';
}

std::string Interpreter::resolve(const std::string& path) const
{
    if (path.empty() || path[0] == '/')
        return path;
    return cwd_ == "/" ? "/" + path : cwd_ + "/" + path;
}

std::string Interpreter::current_file() const
{
    return frames_.empty() ? std::string() : frames_.back().program->path;
}

void Interpreter::error(const std::string& text, int line)
{
    const std::string file = current_file();
    out_->errors.push_back({file, line, text});
    std::string where;
    if (!file.empty() && line > 0)
        where = " (" + file + ":" + std::to_string(line) + ")";
    log_text("mailroom: " + text + where + "\n");
}

void Interpreter::log_text(std::string_view text)
{
    if (!logfile_.empty() && !text.empty())
        sink_->log(logfile_, text);
}

void Interpreter::verbose(const std::string& text)
{
    if (is_true("VERBOSE"))
        log_text("mailroom: " + text + "\n");
}

void Interpreter::warn(std::string_view text)
{
    error(std::string(text));
}

std::optional<std::string> Interpreter::lookup(std::string_view name)
{
    if (!name.empty() && name[0] >= '0' && name[0] <= '9') {
        const auto n = static_cast<std::size_t>(std::strtoul(std::string(name).c_str(), nullptr, 10));
        if (n == 0)
            return std::string("procmail");
        return n <= args_.size() ? std::optional(args_[n - 1]) : std::nullopt;
    }
    auto it = vars_.find(std::string(name));
    return it == vars_.end() ? std::nullopt : std::optional(it->second);
}

std::string Interpreter::special(char which)
{
    switch (which) {
    case '$': return std::to_string(::getpid());
    case '?': return std::to_string(last_exit_);
    case '#': return std::to_string(args_.size());
    case '=': {
        long s = static_cast<long>(last_score_);
        if (s == 0 && last_score_ > 0)
            s = 1;  // procmail rounds a score in (0,1) up
        return std::to_string(s);
    }
    case '_': return rc_name_;
    case '-': return get("LASTFOLDER");
    default: return {};
    }
}

bool Interpreter::open_rc(const std::string& path, bool top_level, int line)
{
    const std::string full = resolve(path);
    std::string why;
    auto program = programs_->load(full, why);
    if (!program) {
        if (!top_level || !is_clone_)
            error(why, line);
        return false;
    }
    frames_.push_back({program, 0, ifstack_.size()});
    rc_name_ = full;
    if (input_->trace)
        input_->trace->rc_file(full);
    for (const ParseError& e : program->errors)
        error(e.text, e.line);
    return true;
}

void Interpreter::set_variable(const std::string& name, std::optional<std::string> value, int line)
{
    if (input_->trace)
        input_->trace->assignment(current_file(), line, name, value);
    if (value) {
        verbose("Assigning \"" + name + "=" + *value + "\"");
        vars_[name] = std::move(*value);
    } else {
        vars_.erase(name);
    }
    after_assignment(name, line);
}

void Interpreter::assign(const Item& item)
{
    std::optional<std::string> value;
    if (item.value_text) {
        ParsedWords w = parse_words(*item.value_text, SplitMode::assignment, this);
        value = w.words.empty() ? std::string() : std::move(w.words.front());
    }
    set_variable(item.name, std::move(value), item.line);
}

void Interpreter::after_assignment(const std::string& name, int line)
{
    const auto it = vars_.find(name);
    const bool set = it != vars_.end();
    const std::string value = set ? it->second : std::string();
    if (name == "MAILDIR") {
        const std::string dir = resolve(value);
        if (set && is_directory(dir))
            cwd_ = dir;
        else
            error("Couldn't chdir to \"" + value + "\"", line);
    } else if (name == "LOGFILE") {
        logfile_ = resolve(value);
    } else if (name == "LOG") {
        log_text(value);
    } else if (name == "INCLUDERC") {
        if (set && !value.empty())
            open_rc(value, false, line);
    } else if (name == "SWITCHRC") {
        if (set && !value.empty()) {
            std::string why;
            if (!programs_->load(resolve(value), why)) {
                error(why, line);
                return;
            }
        }
        if (!frames_.empty()) {
            ifstack_.resize(frames_.back().if_base);
            frames_.pop_back();
        }
        if (set && !value.empty())
            open_rc(value, false, line);
    } else if (name == "HOST") {
        if (set && value != host_name()) {
            verbose("HOST mismatched \"" + host_name() + "\"");
            host_mismatch_ = true;
        }
    } else if (name == "LOCKFILE") {
        if (!global_lock_.empty())
            sink_->release_lock(global_lock_);
        global_lock_.clear();
        if (set && !value.empty()) {
            const std::string lock = resolve(value);
            if (sink_->acquire_lock(lock, lock_policy()))
                global_lock_ = lock;
            else
                error("Lock failure on \"" + lock + "\"", line);
        }
    } else if (name == "DELIVERED") {
        if (is_true(name))
            delivered_flag_ = true;
    } else if (name == "SHIFT") {
        const long n = std::strtol(value.c_str(), nullptr, 10);
        if (n > 0)
            args_.erase(args_.begin(), args_.begin() + std::min<long>(n, static_cast<long>(args_.size())));
    } else if (name == "UMASK") {
        umask_ = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 8)) & 0777u;
    }
}

LockPolicy Interpreter::lock_policy() const
{
    LockPolicy p;
    if (auto s = get("LOCKSLEEP"); !s.empty())
        p.sleep = std::chrono::seconds(std::strtol(s.c_str(), nullptr, 10));
    if (auto t = get("LOCKTIMEOUT"); !t.empty())
        p.timeout = std::chrono::seconds(std::strtol(t.c_str(), nullptr, 10));
    if (auto t = get("TIMEOUT"); !t.empty())
        p.give_up = std::chrono::seconds(std::strtol(t.c_str(), nullptr, 10));
    return p;
}

bool Interpreter::interpret()
{
    for (;;) {
        if (frames_.empty()) {
            if (pending_rcs_.empty())
                return false;
            const std::string next = pending_rcs_.front();
            pending_rcs_.erase(pending_rcs_.begin());
            if (open_rc(next, true))
                chain_ = Chain{};
            continue;
        }
        Frame& frame = frames_.back();
        const std::shared_ptr<const RcProgram> program = frame.program;  // kept alive for this item
        if (frame.pc >= program->items.size()) {
            ifstack_.resize(frame.if_base);
            frames_.pop_back();
            continue;
        }
        const Item& item = program->items[frame.pc++];
        switch (item.kind) {
        case Item::Kind::assignment:
            assign(item);
            if (host_mismatch_) {  // stop this rc file; procmail goes on with the next one
                host_mismatch_ = false;
                frames_.clear();
                ifstack_.clear();
                if (pending_rcs_.empty()) {
                    host_stop_ = true;
                    return false;
                }
            }
            break;
        case Item::Kind::block_end:
            if (ifstack_.size() > frame.if_base) {
                chain_.lastcond = ifstack_.back().lastcond;
                chain_.prevcond = ifstack_.back().prevcond;
                ifstack_.pop_back();
            }
            break;
        case Item::Kind::recipe:
            if (run_recipe(item))
                return true;
            break;
        }
    }
}

bool Interpreter::run_recipe(const Item& item)
{
    const Recipe& r = item.recipe;
    const std::string file = current_file();
    const bool matched = conditions_match(r, file, item.line);
    if (!r.flags.also_next && !r.flags.also_if_succeeded)
        chain_.lastcond = matched;
    if (!chain_.prevcond || !r.flags.else_do)
        chain_.prevcond = matched;
    if (r.action == ActionKind::block)
        return enter_block(item, matched);
    if (!matched)
        return false;
    const RecipeContext rc{&r, file, item.line};
    const bool succeeded = run_action(rc);
    chain_.lastsucc = succeeded;
    const bool delivering = r.action == ActionKind::folder || r.action == ActionKind::forward ||
                            (r.action == ActionKind::pipe && !r.flags.filter && r.capture_variable.empty());
    return succeeded && delivering && !r.flags.copy;
}

bool Interpreter::enter_block(const Item& item, bool matched)
{
    const Recipe& r = item.recipe;
    if (!matched) {
        frames_.back().pc = r.block_end + 1;
        return false;
    }
    ifstack_.push_back(chain_);
    if (!r.flags.copy) {
        chain_.lastsucc = true;
        return false;
    }
    // procmailrc(5) "c": the running procmail clones itself; the clone runs the block and
    // everything after it (ending with its own default delivery), the parent skips the block.
    Interpreter clone(*this);
    clone.is_clone_ = true;
    const bool clone_ok = clone.run_clone();
    frames_.back().pc = r.block_end + 1;
    ifstack_.pop_back();
    bool succeeded = true;
    if ((r.flags.wait || r.flags.wait_quiet) && !clone_ok) {
        succeeded = false;
        if (!r.flags.wait_quiet)
            error("Program failure of cloned block", item.line);
    }
    chain_.lastsucc = succeeded;
    return false;
}

}  // namespace mailroom::filters
