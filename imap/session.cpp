// imap/session.cpp - session state (see session.hpp).
#include "imap/session.hpp"

#include "imap/cmd_append.hpp"

namespace mailroom::imap {

Session::Session(std::shared_ptr<const ImapSettings> settings, core::Logger log)
    : settings_(std::move(settings)), log_(std::move(log))
{
}

Session::~Session() = default;

void Session::logged_in(mailstore::MailUser user, std::unique_ptr<mailstore::UserStore> store)
{
    login_ = LoginRequest{};
    user_ = std::make_unique<mailstore::MailUser>(std::move(user));
    store_ = std::move(store);
    state_ = SessionState::authenticated;
}

void Session::select(std::unique_ptr<SelectedMailbox> mailbox)
{
    selected_ = std::move(mailbox);
    state_ = selected_ ? SessionState::selected : SessionState::authenticated;
}

void Session::deselect()
{
    selected_.reset();
    if (state_ == SessionState::selected)
        state_ = SessionState::authenticated;
}

void Session::logout()
{
    selected_.reset();
    append_.reset();
    store_.reset();
    state_ = SessionState::logout;
}

}  // namespace mailroom::imap
