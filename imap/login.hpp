// imap/login.hpp - the end of a login (RFC 3501 §6.2.2 AUTHENTICATE, §6.2.3 LOGIN): the
// session loop checks the password (core::authenticate_login) and opens the user's store;
// these turn the outcome into the session's new state and the tagged response.
#pragma once
#include "core/auth/authenticator.hpp"
#include "imap/reply.hpp"
#include "imap/session.hpp"

namespace mailroom::imap {

// Enters the authenticated state. The OK carries the new capabilities (RFC 3501 §7.1:
// CAPABILITY response code), which spares clients a round trip.
Reply login_succeeded(Session& session, mailstore::MailUser user, std::unique_ptr<mailstore::UserStore> store);

// NO [AUTHENTICATIONFAILED], or NO [UNAVAILABLE] when the users database could not answer.
Reply login_failed(const core::AuthResult& result);

// The store could not be opened for a user whose password was right.
Reply login_unavailable();

}  // namespace mailroom::imap
