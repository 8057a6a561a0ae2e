// pop3/pop3_parameters.cpp - declarations of the POP3 service's parameters. Names follow
// Dovecot's (pop3_uidl_format) and Postfix's *_listen/*_timeout habits; each entry is in
// docs/configuration.md.
#include "pop3/pop3_parameters.hpp"

namespace mailroom::pop3 {
namespace {

using core::ParamKind;
using core::ParameterSpec;

const ParameterSpec parameters[] = {
    {"pop3_listen", "", ParamKind::list,
     "Addresses the POP3 service listens on (host:port, [ipv6]:port or unix:/path); empty: no POP3."},
    {"pop3s_listen", "", ParamKind::list,
     "Addresses for POP3 over implicit TLS (RFC 8314, port 995); needs tls_cert_file."},
    {"pop3_uidl_format", "%08Xu%08Xv", ParamKind::string,
     "UIDL of a message, in Dovecot's notation: %u UID, %v UIDVALIDITY, %f Maildir base name, %m MD5 of "
     "the header (Dovecot's apop3d variant), with modifiers such as 08X (zero-padded hexadecimal)."},
    {"pop3_mark_seen", "yes", ParamKind::boolean,
     "Give messages fetched with RETR the \\Seen flag when the session ends with QUIT."},
    {"pop3_enable_apop", "no", ParamKind::boolean,
     "Offer APOP (RFC 1939 section 7): the greeting carries a timestamp; only users whose password is "
     "stored as {PLAIN} or {CLEAR} can use it."},
    {"pop3_login_timeout", "180s", ParamKind::time, "Idle time allowed before a client has logged in."},
    {"pop3_idle_timeout", "10m", ParamKind::time,
     "Idle time allowed after login; at least 10 minutes (RFC 1939 section 3)."},
    {"pop3_login_delay", "0", ParamKind::time,
     "Minimum time between two logins of the same user (RFC 2449 LOGIN-DELAY, advertised in CAPA); a "
     "login sooner gets -ERR [LOGIN-DELAY]. 0: no limit."},
    {"pop3_expire", "never", ParamKind::string,
     "Days a message may stay on the server after it was first retrieved with RETR (RFC 2449 EXPIRE, "
     "advertised in CAPA): 0 removes retrieved messages at QUIT, N removes them at a session's QUIT N days "
     "after their first retrieval; never: messages stay until the client deletes them (not advertised)."},
    {"pop3_error_limit", "20", ParamKind::integer,
     "Bad commands (unknown, wrong state, bad arguments, failed logins) after which the connection is closed."},
};

}  // namespace

core::ParameterTable pop3_parameters() { return parameters; }

}  // namespace mailroom::pop3
