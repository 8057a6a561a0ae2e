// pop3/maildrop.hpp - the POP3 maildrop (RFC 1939 sections 4, 6 and 8): the user's INBOX
// opened read-write and claimed for one POP3 session at a time ([IN-USE] for a second one,
// RFC 2449 section 8.1.1; IMAP sessions are not affected), listed once with virtual sizes and
// unique-ids (mail arriving meanwhile waits for the next session), and changed only in the
// UPDATE state. With an EXPIRE policy (RFC 2449 section 6.7) of N > 0 days, the time of a
// message's first RETR is kept in the index cache; N days later the message is no longer
// listed and goes at that session's QUIT.
#pragma once
#include "mailstore/store.hpp"
#include "pop3/uidl_format.hpp"

#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mailroom::pop3 {

struct MaildropMessage {
    mailstore::Uid uid = 0;
    std::uint64_t size = 0;   // virtual size: octets with CRLF line ends, as RETR sends them
    std::string uidl;
    bool seen = false;        // had \Seen when the session began
};

// Every call, the destructor included (it writes pending index state), touches the user's
// files: run them on the blocking pool with the mail owner's identity, one at a time.
class Maildrop {
public:
    // Opens INBOX of `store`, claims it (Errc::in_use while another POP3 session holds it)
    // and lists its messages, reading those whose virtual size or header digest is not known
    // yet (the digest is kept in the index cache for the next session).
    // `expire_days` > 0: messages first retrieved that many days before `now` are left out.
    static mailstore::Result<std::unique_ptr<Maildrop>> open(std::unique_ptr<mailstore::UserStore> store,
                                                             const UidlFormat& uidl_format,
                                                             std::optional<unsigned> expire_days = std::nullopt,
                                                             std::time_t now = std::time(nullptr));

    const std::vector<MaildropMessage>& messages() const { return messages_; }

    // Errc::expunged when another session (IMAP) removed the message meanwhile.
    mailstore::Result<std::unique_ptr<mailstore::MessageContent>> open_content(mailstore::Uid uid);

    // The UPDATE state: `seen` get \Seen, `retrieved` their first-retrieval time (with an
    // EXPIRE policy), then exactly the messages in `expunge` and the expired ones left out at
    // open are removed (given \Deleted, then expunged; when that fails, the \Deleted marks
    // added here are taken back and nothing is removed). Returns how many of `expunge` went
    // (ones IMAP removed meanwhile don't count; expired_removed() has the others). Writes
    // pending state to the mailbox files either way.
    mailstore::Result<std::size_t> update(std::span<const mailstore::Uid> expunge, std::span<const mailstore::Uid> seen,
                                          std::span<const mailstore::Uid> retrieved = {});

    // Messages left out because their retention ended, and how many of them update() removed.
    const std::vector<mailstore::Uid>& expired() const { return expired_; }
    std::size_t expired_removed() const { return expired_removed_; }

private:
    Maildrop() = default;
    mailstore::Result<std::string> header_digest(mailstore::Uid uid);
    bool retention_ended(mailstore::Uid uid);
    mailstore::Result<std::vector<mailstore::Uid>> remove(std::span<const mailstore::Uid> expunge);

    // Destroyed bottom-up: the claim before the view that owns its lock state, the view
    // before its store.
    std::unique_ptr<mailstore::UserStore> store_;
    std::unique_ptr<mailstore::MailboxView> view_;
    std::unique_ptr<mailstore::MailboxView::ExclusiveClaim> claim_;
    std::vector<MaildropMessage> messages_;
    std::vector<mailstore::Uid> expired_;
    std::size_t expired_removed_ = 0;
    std::optional<unsigned> expire_days_;
    std::time_t now_ = 0;
};

}  // namespace mailroom::pop3
