// tests/unit/imap/transcript_driver.hpp - runs IMAP sessions without sockets, the way
// imap/session_loop.cpp does with them: bytes go through the CommandReader, commands through
// execute_command/complete_command, APPEND literals are streamed, FETCH runs in small steps.
// Several sessions can share one user's store in a temp directory (Maildir or mbox), so
// transcripts can show one session's changes reaching another.
#pragma once
#include "core/auth/sasl.hpp"
#include "imap/protocol/command_reader.hpp"
#include "imap/reply.hpp"
#include "imap/session.hpp"
#include "tests/unit/temp_dir.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace imaptest {

class TranscriptDriver {
public:
    // Users "ann" (password "secret") and "bob" ("hunter2") with stores of the given format.
    explicit TranscriptDriver(bool mbox = false, std::uint64_t quota_bytes = 0);
    ~TranscriptDriver();

    // Feeds client bytes to session `id` (created on first use) and returns what the
    // server answered.
    std::string send(int id, std::string_view bytes);
    // Delivers a message to a user's mailbox behind the sessions' backs (like LMTP would).
    void deliver(std::string_view user, std::string_view mailbox, std::string_view message,
                 std::int64_t internal_date = 1700000000);
    // Runs one command line (no literals) for session `id` the way the session loop runs a
    // FETCH: in steps of `budget` bytes, calling between(n) after step n while the command is
    // unfinished (another session may change the mailbox then). Returns what the server said;
    // `steps` gets each step's output size.
    std::string send_in_steps(int id, std::string_view line, std::size_t budget,
                              const std::function<void(int)>& between, std::vector<std::size_t>* steps = nullptr);
    const std::filesystem::path& root() const { return dir_.path; }
    mailroom::mailstore::MailLocation location(std::string_view user) const;

private:
    struct Client;
    Client& client(int id);
    void run_command(Client& c, const mailroom::imap::Command& command);
    void stream_append(Client& c, const mailroom::imap::CommandReader::StreamLiteral& literal);
    mailroom::imap::Reply login(Client& c, const std::string& user, const std::string& password);
    void sasl_step(Client& c, const mailroom::core::SaslStep& step);
    void idle(Client& c, const mailroom::imap::Command& command, mailroom::imap::Reply& reply);
    bool continue_idle(Client& c);
    std::string next_line(Client& c);

    TempDir dir_;
    bool mbox_;
    std::uint64_t quota_bytes_;
    std::map<int, std::unique_ptr<Client>> clients_;
};

// Runs a .in transcript (see tests/unit/imap/transcripts/README) and returns the .ref form.
std::string run_transcript(const std::string& script, bool mbox);

}  // namespace imaptest
