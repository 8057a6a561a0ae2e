// filters/interpreter.hpp - runs parsed rc files over one message the way procmail's main
// loop does (procmailrc(5)): assignments with their side effects, recipes with A/a/E/e
// chaining, nesting blocks, INCLUDERC/SWITCHRC, the c flag on blocks (a clone), and the
// fall-through to $DEFAULT. Internal to filters/; the public face is engine.hpp.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "filters/engine.hpp"
#include "filters/message.hpp"
#include "filters/program_cache.hpp"
#include "filters/rc_program.hpp"
#include "filters/regex.hpp"
#include "filters/shell_parse.hpp"

namespace mailroom::filters {

class Interpreter final : public ExpandContext {
public:
    Interpreter(const FilterInput& input, ActionSink& sink, ProgramCache& programs, RegexCache& regexes,
                FilterOutcome& outcome);
    Interpreter(const Interpreter&) = default;  // the clone made by a `c` block

    // Runs every rc file, then the default delivery, TRAP and EXITCODE; fills the outcome.
    void run();

    // ExpandContext
    std::optional<std::string> lookup(std::string_view name) override;
    std::string special(char which) override;
    std::vector<std::string> arguments() override { return input_->arguments; }
    std::string backquote(std::string_view command) override;
    void warn(std::string_view text) override;

private:
    struct Frame {
        std::shared_ptr<const RcProgram> program;
        std::size_t pc = 0;
        std::size_t if_base = 0;   // ifstack_ size when the file was entered
    };
    struct Chain {                 // procmail's lastcond/prevcond/lastsucc
        bool lastcond = false, prevcond = false, lastsucc = false;
    };
    struct RecipeContext {         // the recipe being run, for messages and actions
        const Recipe* recipe = nullptr;
        std::string file;
        int line = 0;
    };

    // interpreter.cpp
    bool interpret();                                   // true: delivered, stop
    bool run_clone();                                   // a `c` block's clone: true when delivered
    LockPolicy lock_policy() const;
    bool open_rc(const std::string& path, bool top_level, int line = 0);
    void assign(const Item& item);
    void set_variable(const std::string& name, std::optional<std::string> value, int line);
    void after_assignment(const std::string& name, int line);
    bool run_recipe(const Item& item);
    bool enter_block(const Item& item, bool matched);
    void error(const std::string& text, int line = 0);
    void log_text(std::string_view text);
    void verbose(const std::string& text);
    std::string current_file() const;
    std::string resolve(const std::string& path) const;
    std::string get(const std::string& name) const;
    bool is_true(const std::string& name) const;

    // conditions.cpp
    bool conditions_match(const Recipe& recipe, const std::string& file, int line);
    bool condition(const ConditionLine& cond, const RecipeFlags& flags, bool& scored, double& score);
    bool regex_condition(const std::string& text, const RecipeFlags& flags, SearchArea area, bool negate,
                         bool scoreany, double weight, double exponent, double& score, int line);
    bool program_condition(const std::string& text, SearchArea area, bool negate, bool scoreany, double weight,
                           double exponent, double& score);
    SearchArea default_area(const RecipeFlags& flags) const;

    // actions.cpp
    bool run_action(const RecipeContext& rc);           // true: succeeded
    bool save_folder(const RecipeContext& rc, const std::vector<std::string>& names, bool is_default);
    bool run_pipe(const RecipeContext& rc);
    bool run_forward(const RecipeContext& rc);
    ProgramRequest program_request(ProgramRequest::Purpose purpose, const std::string& text);
    ProgramResult run_program(const ProgramRequest& req, bool forward = false);
    std::vector<std::string> environment() const;
    std::vector<std::string> direct_argv(std::vector<std::string> words) const;
    std::optional<std::string> local_lockfile(const RecipeContext& rc, const std::string& target, bool is_program);
    void record(DeliveryRecord::Kind kind, const std::string& destination, const RecipeContext& rc,
                FolderKind fkind, const std::string& stored, bool is_default);

    // engine.cpp
    bool finish(bool delivered);                        // true: the message was delivered
    void log_abstract(const std::string& folder);

    const FilterInput* input_;
    ActionSink* sink_;
    ProgramCache* programs_;
    RegexCache* regexes_;
    FilterOutcome* out_;

    std::map<std::string, std::string> vars_;
    std::shared_ptr<MailMessage> message_;   // copy-on-write between a clone and its parent
    std::vector<Frame> frames_;
    std::vector<std::string> pending_rcs_;    // top-level rc files still to run
    std::vector<Chain> ifstack_;
    Chain chain_;
    double last_score_ = 0;
    int last_exit_ = 0;
    std::string cwd_;
    std::string logfile_;
    std::string global_lock_;
    std::vector<std::string> args_;           // $1.. after SHIFT
    unsigned umask_ = 077;
    long last_dump_ = 0;                      // bytes of the last delivery, for the abstract
    bool host_stop_ = false;                  // HOST mismatch in the last rc file
    bool is_clone_ = false;
    bool delivered_flag_ = false;             // DELIVERED=yes
    bool host_mismatch_ = false;
    std::string rc_name_;                     // $_
};

}  // namespace mailroom::filters
