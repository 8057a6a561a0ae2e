// filters/engine.cpp - one filter run from start to end (procmail(1)): the rc files, then the
// delivery to $DEFAULT (and $ORGMAIL as the last resort), TRAP, EXITCODE and the LOGABSTRACT
// entry ("From ...", " Subject: ...", "  Folder: name<tabs>   size").
#include "filters/engine.hpp"

#include <cstdio>
#include <cstdlib>

#include "filters/interpreter.hpp"

namespace mailroom::filters {

namespace {
constexpr std::size_t max_subject_shown = 78;  // procmail's MAXSUBJECTSHOW
constexpr std::size_t tab_width = 8;
constexpr std::size_t size_column = 72;        // where the byte count starts
}  // namespace

void Interpreter::run()
{
    finish(interpret());
}

bool Interpreter::run_clone()
{
    return finish(interpret());
}

bool Interpreter::finish(bool delivered)
{
    bool ok = delivered || host_stop_;
    bool to_default = false;
    if (!ok) {
        const RecipeContext none{nullptr, {}, 0};
        const std::string fallback = get("DEFAULT");
        if (!fallback.empty())
            ok = save_folder(none, {fallback}, true);
        const std::string orgmail = get("ORGMAIL");
        if (!ok && !orgmail.empty() && orgmail != fallback)
            ok = save_folder(none, {orgmail}, true);
        to_default = ok;
        if (!ok)
            error("Couldn't deliver the message to $DEFAULT or $ORGMAIL");
    }
    if (!global_lock_.empty()) {
        sink_->release_lock(global_lock_);
        global_lock_.clear();
    }
    if (ok && !host_stop_)
        log_abstract(get("LASTFOLDER"));
    int exit_code = ok || delivered_flag_ ? 0 : ex_cantcreat;
    if (const std::string trap = get("TRAP"); !trap.empty()) {
        if (!vars_.contains("EXITCODE"))
            vars_["EXITCODE"] = std::to_string(exit_code);
        ProgramRequest req = program_request(ProgramRequest::Purpose::trap, trap);
        const std::string input = recipe_payload(*message_, true, true, false, false);
        req.input = input;
        req.capture_output = true;
        const ProgramResult res = run_program(req);
        log_text(res.output);
        if (get("EXITCODE").empty() && res.ran)
            exit_code = res.exit_status;
    }
    if (const std::string code = get("EXITCODE"); !code.empty()) {
        const long n = std::strtol(code.c_str(), nullptr, 10);
        if (n > 0)
            exit_code = static_cast<int>(n);
    }
    if (!is_clone_) {
        out_->delivered = ok || delivered_flag_;
        out_->to_default = to_default;
        out_->exit_code = exit_code;
    }
    return ok;
}

void Interpreter::log_abstract(const std::string& folder)
{
    const std::string setting = get("LOGABSTRACT");
    int level = vars_.contains("LOGABSTRACT") ? (setting == "all" ? 2 : is_true("LOGABSTRACT") ? 1 : 0) : -1;
    if (!(level > 0 || (level != 0 && !logfile_.empty())))
        return;
    std::string text;
    const std::string_view header = message_->header();
    if (message_->has_from_line())
        text += std::string(header.substr(0, header.find('\n'))) + "\n";
    for (std::size_t pos = 0; pos < header.size();) {
        const std::size_t nl = header.find('\n', pos);
        const std::string_view line = header.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        if (line.size() >= 8 && std::equal(line.begin(), line.begin() + 8, "subject:", [](char a, char b) {
                return (a | 0x20) == b;
            })) {
            std::string shown(line.substr(0, max_subject_shown));
            for (char& c : shown)
                if (static_cast<unsigned char>(c) < ' ')
                    c = ' ';  // procmail's detab(): tabs, CRs and other controls become blanks
            text += " " + shown + "\n";
            break;
        }
        if (nl == std::string_view::npos)
            break;
        pos = nl + 1;
    }
    std::string shown = folder;
    for (char& c : shown)
        if (static_cast<unsigned char>(c) < ' ')
            c = ' ';
    text += "  Folder: " + shown;
    std::size_t col = shown.size() + 10;
    col -= col % tab_width;
    do
        text.push_back('\t');
    while ((col += tab_width) < size_column);
    char size[32];
    std::snprintf(size, sizeof size, "%7ld\n", last_dump_);
    text += size;
    log_text(text);
}

Engine::Engine() : programs_(std::make_unique<ProgramCache>()), regexes_(std::make_unique<RegexCache>()) {}
Engine::~Engine() = default;

FilterOutcome Engine::run(const FilterInput& input, ActionSink& sink)
{
    FilterOutcome out;
    try {
        Interpreter interpreter(input, sink, *programs_, *regexes_, out);
        interpreter.run();
    } catch (const std::exception& e) {
        // A bug or an allocation failure must not lose the message: store it unfiltered.
        out.errors.push_back({{}, 0, std::string("filter engine failure: ") + e.what()});
        if (!out.delivered) {
            std::string fallback;
            for (const auto& [name, value] : input.variables)
                if (name == "DEFAULT" || (name == "ORGMAIL" && fallback.empty()))
                    fallback = value;
            const MailMessage message(input.message, input.envelope_sender, std::time(nullptr));
            const std::string payload = recipe_payload(message, true, true, false, false);
            const SaveResult res = fallback.empty() ? SaveResult{} :
                sink.save({fallback, fallback, FolderKind::mbox, payload, input.envelope_sender, true, false, 077});
            out.delivered = out.to_default = res.ok;
            out.exit_code = res.ok ? 0 : ex_cantcreat;
        }
    }
    return out;
}

}  // namespace mailroom::filters
