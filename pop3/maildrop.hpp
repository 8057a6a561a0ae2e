// pop3/maildrop.hpp - the POP3 maildrop (RFC 1939 sections 4, 6 and 8): the user's INBOX
// opened read-write and claimed for one POP3 session at a time ([IN-USE] for a second one,
// RFC 2449 section 8.1.1; IMAP sessions are not affected), listed once with virtual sizes and
// unique-ids (mail arriving meanwhile waits for the next session), and changed only in the
// UPDATE state.
#pragma once
#include "mailstore/store.hpp"
#include "pop3/uidl_format.hpp"

#include <memory>
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
    static mailstore::Result<std::unique_ptr<Maildrop>> open(std::unique_ptr<mailstore::UserStore> store,
                                                             const UidlFormat& uidl_format);

    const std::vector<MaildropMessage>& messages() const { return messages_; }

    // Errc::expunged when another session (IMAP) removed the message meanwhile.
    mailstore::Result<std::unique_ptr<mailstore::MessageContent>> open_content(mailstore::Uid uid);

    // The UPDATE state: `seen` get \Seen, then exactly the messages in `expunge` are removed
    // (given \Deleted, then expunged; when that fails, the \Deleted marks added here are taken
    // back and nothing is removed). Returns how many went (ones IMAP removed meanwhile don't
    // count). Writes pending state to the mailbox files either way.
    mailstore::Result<std::size_t> update(std::span<const mailstore::Uid> expunge, std::span<const mailstore::Uid> seen);

private:
    Maildrop() = default;
    mailstore::Result<std::string> header_digest(mailstore::Uid uid);
    mailstore::Result<std::size_t> remove(std::span<const mailstore::Uid> expunge);

    // Destroyed bottom-up: the claim before the view that owns its lock state, the view
    // before its store.
    std::unique_ptr<mailstore::UserStore> store_;
    std::unique_ptr<mailstore::MailboxView> view_;
    std::unique_ptr<mailstore::MailboxView::ExclusiveClaim> claim_;
    std::vector<MaildropMessage> messages_;
};

}  // namespace mailroom::pop3
