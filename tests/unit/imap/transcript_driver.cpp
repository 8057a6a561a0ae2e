// tests/unit/imap/transcript_driver.cpp - sessions without sockets (see transcript_driver.hpp).
#include "transcript_driver.hpp"

#include "core/auth/sasl.hpp"
#include "imap/cmd_append.hpp"
#include "imap/command.hpp"
#include "imap/login.hpp"
#include "imap/protocol/response.hpp"
#include "tests/unit/result_printer.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace imaptest {

using namespace mailroom;
using namespace mailroom::imap;

namespace {

// Small steps, so FETCH's resumption is what the transcripts exercise.
constexpr std::size_t step_budget = 200;
constexpr std::size_t literal_piece = 7;   // APPEND bytes handed to the store at once

std::shared_ptr<const ImapSettings> test_settings()
{
    auto settings = std::make_shared<ImapSettings>();
    settings->line_max = 8192;
    settings->command_max = 64 * 1024;
    settings->literal_max = 1024 * 1024;
    settings->hostname = "test.example";
    return settings;
}

}  // namespace

struct TranscriptDriver::Client {
    explicit Client(std::shared_ptr<const ImapSettings> settings)
        : session(settings, core::Logger("imap-test")), reader(ReaderLimits{settings->line_max, settings->command_max})
    {
        session.set_transport({false, true, true});
    }
    Session session;
    CommandReader reader;
    std::string pending;   // client bytes not yet consumed
    std::string out;       // what the server said
    bool closed = false;
    std::optional<Command> idling;   // in IDLE: the command, and its reply to finish with
    Reply idle_reply;
    std::unique_ptr<core::SaslExchange> sasl;   // in AUTHENTICATE, waiting for a response line
    std::optional<Command> sasl_command;
};

TranscriptDriver::TranscriptDriver(bool mbox, std::uint64_t quota_bytes) : mbox_(mbox), quota_bytes_(quota_bytes) {}

TranscriptDriver::~TranscriptDriver() = default;

mailstore::MailLocation TranscriptDriver::location(std::string_view user) const
{
    mailstore::MailLocation location;
    location.home = dir_.path / std::string(user);
    location.inbox_format = location.folder_format = mbox_ ? mailstore::MailFormat::mbox : mailstore::MailFormat::maildir;
    if (!mbox_) {
        location.inbox = location.folder_root = location.index_root = location.home / "Maildir";
    } else {
        location.inbox = location.home / "inbox";
        location.folder_root = location.home / "mail";
        location.index_root = location.home / ".mailroom";
    }
    location.owner.uid = ::getuid();
    location.owner.gid = ::getgid();
    std::filesystem::create_directories(location.home);
    return location;
}

TranscriptDriver::Client& TranscriptDriver::client(int id)
{
    auto& slot = clients_[id];
    if (!slot) {
        slot = std::make_unique<Client>(test_settings());
        slot->out += "* OK [CAPABILITY " + capability_list(slot->session) + "] mailroom ready.\r\n";
    }
    return *slot;
}

void TranscriptDriver::deliver(std::string_view user, std::string_view mailbox, std::string_view message,
                               std::int64_t internal_date)
{
    auto store = mailstore::open_user_store(location(user), {});
    REQUIRE(store);
    mailstore::AppendOptions options;
    options.internal_date = internal_date;
    options.envelope_sender = "sender@example.com";
    auto saver = (*store)->begin_append(mailbox, options);
    REQUIRE(saver);
    REQUIRE((*saver)->write(message));
    REQUIRE((*saver)->commit());
}

std::string TranscriptDriver::send(int id, std::string_view bytes)
{
    Client& c = client(id);
    c.pending.append(bytes);
    while (!c.closed && (!c.pending.empty() || c.idling)) {
        if (c.idling && !continue_idle(c))
            break;
        if (c.sasl) {
            if (c.pending.find('\n') == std::string::npos)
                break;
            sasl_step(c, c.sasl->respond(next_line(c)));
            continue;
        }
        if (c.pending.empty())
            break;
        std::size_t used = 0;
        auto event = c.reader.feed(c.pending, used);
        c.pending.erase(0, used);
        if (auto* ready = std::get_if<CommandReader::Ready>(&event)) {
            run_command(c, ready->command);
        } else if (auto* literal = std::get_if<CommandReader::StreamLiteral>(&event)) {
            stream_append(c, *literal);
        } else if (std::holds_alternative<CommandReader::SendContinuation>(event)) {
            append_continuation(c.out, "Ready for literal data");
        } else if (auto* bad = std::get_if<CommandReader::Bad>(&event)) {
            append_status(c.out, bad->tag, Status::bad, bad->code, bad->text);
            if (bad->fatal) {
                c.out += "* BYE Too much invalid input; closing the connection.\r\n";
                c.closed = true;
            }
        } else if (used == 0) {
            break;
        }
    }
    c.out += std::move(c.session.out());
    c.session.out().clear();
    return std::exchange(c.out, {});
}

std::string TranscriptDriver::send_in_steps(int id, std::string_view line, std::size_t budget,
                                           const std::function<void(int)>& between, std::vector<std::size_t>* steps)
{
    Client& c = client(id);
    const std::string input = std::string(line) + "\r\n";
    std::size_t used = 0;
    auto event = c.reader.feed(input, used);
    auto* ready = std::get_if<CommandReader::Ready>(&event);
    REQUIRE(ready);
    REQUIRE(used == input.size());
    const Command command = std::move(ready->command);
    Reply reply = execute_command(c.session, command);
    for (int n = 1; reply.more; ++n) {
        std::string& out = c.session.out();
        const std::size_t before = out.size();
        const bool done = reply.more->step(c.session, out, budget, reply);
        if (steps)
            steps->push_back(out.size() - before);
        c.out += std::move(out);
        out.clear();
        if (done)
            reply.more.reset();
        else
            between(n);
    }
    complete_command(c.session, command, reply);
    c.out += std::move(c.session.out());
    c.session.out().clear();
    return std::exchange(c.out, {});
}

std::string TranscriptDriver::next_line(Client& c)
{
    const auto lf = c.pending.find('\n');
    std::string line = c.pending.substr(0, lf);
    c.pending.erase(0, lf == std::string::npos ? std::string::npos : lf + 1);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

void TranscriptDriver::run_command(Client& c, const Command& command)
{
    Reply reply = execute_command(c.session, command);
    while (reply.more)
        if (reply.more->step(c.session, c.session.out(), c.session.out().size() + step_budget, reply))
            reply.more.reset();
    if (reply.action == Action::login)
        reply = login(c, c.session.login_request().user, c.session.login_request().password);
    if (reply.action == Action::authenticate) {
        const LoginRequest& request = c.session.login_request();
        c.sasl = core::start_sasl(request.mechanism);
        c.sasl_command = command;
        return sasl_step(c, c.sasl->start(request.initial_response
                                              ? std::optional<std::string_view>(*request.initial_response)
                                              : std::nullopt));
    }
    if (reply.action == Action::idle)
        return idle(c, command, reply);
    complete_command(c.session, command, reply);
    c.out += std::move(c.session.out());
    c.session.out().clear();
    if (reply.action == Action::logout) {
        c.closed = true;
        c.session.logout();
    }
}

void TranscriptDriver::stream_append(Client& c, const CommandReader::StreamLiteral& literal)
{
    Reply reply = append_begin(c.session, c.reader.partial(), literal.size);
    if (reply.status != Status::ok) {
        append_status(c.out, c.reader.partial().tag, reply.status, reply.code, reply.text);
        if (literal.synchronizing)
            c.reader.literal_refused();
        else
            c.reader.skip_literal();
        return;
    }
    if (literal.synchronizing)
        append_continuation(c.out, "Ready for literal data");
    REQUIRE(c.pending.size() >= literal.size);   // transcripts send a literal in one piece
    for (std::size_t done = 0; done < literal.size; done += literal_piece)
        append_data(c.session,
                    std::string_view(c.pending).substr(done, std::min<std::size_t>(literal_piece, literal.size - done)));
    c.pending.erase(0, static_cast<std::size_t>(literal.size));
    c.reader.literal_streamed();
}

Reply TranscriptDriver::login(Client& c, const std::string& user, const std::string& password)
{
    const bool known = (user == "ann" && password == "secret") || (user == "bob" && password == "hunter2");
    if (!known) {
        core::AuthResult failed;
        return login_failed(failed);
    }
    mailstore::MailUser mail_user;
    mail_user.user.name = user;
    mail_user.location = location(user);
    mail_user.options.quota.storage_bytes = quota_bytes_;
    auto store = mailstore::open_user_store(mail_user.location, mail_user.options);
    REQUIRE(store);
    return login_succeeded(c.session, std::move(mail_user), std::move(*store));
}

// AUTHENTICATE's exchange: a challenge goes out and waits for the client's next line.
void TranscriptDriver::sasl_step(Client& c, const core::SaslStep& step)
{
    if (step.kind == core::SaslStep::Kind::challenge) {
        append_continuation(c.out, step.challenge);
        return;
    }
    const Reply reply = step.kind == core::SaslStep::Kind::failed ? Reply::bad("Authentication failed: " + step.error)
                                                                  : login(c, step.authcid, step.password);
    c.sasl.reset();
    complete_command(c.session, *c.sasl_command, reply);
    c.out += std::move(c.session.out());
    c.session.out().clear();
}

// IDLE: "+ idling", then the changes made meanwhile each time the session is given bytes,
// until a line arrives (DONE).
void TranscriptDriver::idle(Client& c, const Command& command, Reply& reply)
{
    append_continuation(c.session.out(), "idling");
    c.idling = command;
    c.idle_reply = std::move(reply);
    continue_idle(c);
}

bool TranscriptDriver::continue_idle(Client& c)
{
    std::string error;
    if (SelectedMailbox* box = c.session.selected())
        box->report_changes(c.session.out(), c.session.condstore(), error);
    if (c.pending.find('\n') == std::string::npos) {
        c.out += std::move(c.session.out());
        c.session.out().clear();
        return false;
    }
    if (next_line(c) != "DONE")
        c.idle_reply = Reply::bad("Expected DONE.");
    c.idle_reply.action = Action::none;
    complete_command(c.session, *c.idling, c.idle_reply);
    c.idling.reset();
    c.out += std::move(c.session.out());
    c.session.out().clear();
    return true;
}

}  // namespace imaptest

namespace imaptest {
namespace {

std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Values that change from run to run: UIDVALIDITY (creation time) and "now" dates.
std::string normalize(std::string text)
{
    static const std::regex validity(R"((UIDVALIDITY|APPENDUID|COPYUID) \d+)");
    static const std::regex date(R"re(INTERNALDATE "(?!14-Nov-2023 22:13:20 \+0000)[^"]*")re");
    text = std::regex_replace(text, validity, "$1 <v>");
    return std::regex_replace(text, date, "INTERNALDATE \"<now>\"");
}

void record_output(std::string& ref, int id, const std::string& output)
{
    std::size_t start = 0;
    while (start < output.size()) {
        auto end = output.find("\r\n", start);
        if (end == std::string::npos)
            end = output.size();
        ref += "S" + std::to_string(id) + ": " + normalize(output.substr(start, end - start)) + "\n";
        start = end + 2;
    }
}

std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The lines after index i up to a line ".", advancing i past it.
std::vector<std::string> block(const std::vector<std::string>& lines, std::size_t& i)
{
    std::vector<std::string> out;
    while (++i < lines.size() && lines[i] != ".")
        out.push_back(lines[i]);
    return out;
}

}  // namespace

std::string run_transcript(const std::string& script, bool mbox)
{
    TranscriptDriver driver(mbox, 1000000);
    const auto lines = split_lines(script);
    std::string ref;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.empty() || line[0] == '#') {
            ref += line + "\n";
            continue;
        }
        std::istringstream words(line);
        std::string first;
        words >> first;
        if (first == "@deliver" || first == "@deliver-text") {
            std::string user, mailbox, file;
            words >> user >> mailbox >> file;
            std::string message;
            if (first == "@deliver") {
                message = read_text(std::filesystem::path(MAILROOM_SOURCE_DIR) / "tests/corpus/messages" / file);
            } else {
                for (const auto& text : block(lines, i))
                    message += text + "\n";
            }
            driver.deliver(user, mailbox, message);
            ref += "-- delivered " + (file.empty() ? std::to_string(message.size()) + " bytes" : file) + " to " +
                   user + " " + mailbox + "\n";
            continue;
        }
        const int id = first == "@poll" ? std::stoi(line.substr(6)) : std::stoi(first);
        if (first == "@poll") {
            record_output(ref, id, driver.send(id, ""));
            continue;
        }
        std::string command = line.substr(first.size() + 1);
        std::string bytes = command + "\r\n";
        // {=TEXT}: a synchronizing literal holding TEXT.
        for (auto open = bytes.find("{="); open != std::string::npos; open = bytes.find("{=", open)) {
            const auto close = bytes.find('}', open);
            const std::string text = bytes.substr(open + 2, close - open - 2);
            const std::string literal = "{" + std::to_string(text.size()) + "}\r\n" + text;
            bytes.replace(open, close - open + 1, literal);
            open += literal.size();
        }
        if (command.ends_with("{*}") || command.ends_with("{*+}")) {
            std::string literal;
            for (const auto& text : block(lines, i))
                literal += text + "\r\n";
            command.replace(command.rfind('*'), 1, std::to_string(literal.size()));
            bytes = command + "\r\n" + literal + "\r\n";
            ref += "C" + std::to_string(id) + ": " + command + "\n";
            ref += "C" + std::to_string(id) + ": <" + std::to_string(literal.size()) + " literal bytes>\n";
        } else {
            ref += "C" + std::to_string(id) + ": " + command + "\n";
        }
        record_output(ref, id, driver.send(id, bytes));
    }
    return ref;
}

}  // namespace imaptest
