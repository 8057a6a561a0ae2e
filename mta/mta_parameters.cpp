// mta/mta_parameters.cpp - declarations of mta's parameters (see mta_parameters.hpp).
#include "mta/mta_parameters.hpp"

namespace mailroom::mta {
namespace {

using core::ParamKind;
using core::ParameterSpec;

constexpr auto S = ParamKind::string;
constexpr auto L = ParamKind::list;
constexpr auto B = ParamKind::boolean;
constexpr auto N = ParamKind::integer;
constexpr auto T = ParamKind::time;

const ParameterSpec parameters[] = {
    {"queue_directory", "", S,
     "The mail queue (incoming/, active/, deferred/, defer/ and the sendmail.sock socket). Empty: no queue, and "
     "smtp_listen, submission_listen and mailroom sendmail cannot be used."},
    {"smtp_listen", "", L, "Addresses the SMTP service (RFC 5321, mail from other hosts) listens on."},
    {"submission_listen", "", L,
     "Addresses the submission service (RFC 6409: STARTTLS, then AUTH, then relaying) listens on."},
    {"smtpd_banner", "$myhostname ESMTP mailroom", S, "Text of the SMTP greeting after \"220 \"."},
    {"mynetworks", "127.0.0.0/8, [::1]/128", L, "Clients that may relay through the SMTP service without AUTH."},
    {"smtpd_timeout", "300s", T, "Idle time allowed between SMTP commands and between reads of message data."},
    {"smtpd_recipient_limit", "1000", N, "Recipients accepted in one SMTP transaction; more get 452 4.5.3."},
    {"submission_sender_check", "yes", B,
     "On submission, MAIL FROM must be the authenticated user's own address (user, or user@ a local domain); "
     "no: any sender."},
    {"relayhost", "", S,
     "Where mail for non-local domains goes: host, host:port or [host]:port (port 25 by default). Empty: to the "
     "MX hosts of the recipient's domain (port 25; the domain itself without MX records)."},
    {"smtp_tls_security_level", "may", S,
     "STARTTLS towards relayhost and MX hosts: none, may (when offered), encrypt (required) or verify (required, "
     "and the certificate must chain to a CA of smtp_tls_ca_file and name the host: relayhost's, or the MX "
     "host's). With may and encrypt certificates are not verified."},
    {"smtp_tls_ca_file", "", S,
     "PEM file of the CA certificates trusted with smtp_tls_security_level = verify (Postfix's smtp_tls_CAfile). "
     "Empty: the system's CA store."},
    {"smtp_sasl_username", "", S, "User name for AUTH PLAIN at relayhost (only over TLS); empty: no AUTH."},
    {"smtp_sasl_password", "", S, "Password for smtp_sasl_username."},
    {"smtp_timeout", "300s", T, "Time allowed for each read and write when talking to relayhost, an MX host or the LMTP "
     "server."},
    {"lmtp_delivery_address", "", S,
     "Where the queue hands local mail over LMTP: host:port or unix:/path. Empty: the first lmtp_listen address."},
    {"default_process_limit", "20", N,
     "The most messages the queue manager delivers at once (LMTP and relayhost together), each over its own "
     "connection, like Postfix's lmtp(8) and smtp(8) processes (Postfix's default is 100; the LMTP connections to "
     "this daemon's own lmtp_listen address count against client_connection_limit). 1: one message at a time."},
    {"lmtp_connection_cache_time_limit", "2s", T,
     "How long an LMTP connection to lmtp_delivery_address stays open after a delivery, waiting for the next "
     "message (RSET, then the next transaction). 0: a new connection for every message."},
    {"smtp_connection_cache_time_limit", "2s", T,
     "The same for connections to relayhost and MX hosts."},
    {"queue_run_delay", "300s", T, "How often the queue manager looks for deferred mail that is due."},
    {"minimal_backoff_time", "300s", T, "The shortest wait before retrying a deferred message."},
    {"maximal_backoff_time", "4000s", T, "The longest wait before retrying a deferred message."},
    {"delay_warning_time", "0h", T,
     "After how long a message still deferred gets the sender a warning (a DSN with Action: delayed, once per "
     "message), as Postfix's. 0: never."},
    {"maximal_queue_lifetime", "5d", T,
     "How long a message may stay deferred before it is returned to the sender as undeliverable."},
    {"bounce_size_limit", "50000", N,
     "The largest message a bounce returns in full when the sender asked for RET=FULL (RFC 3461); a larger one "
     "gets only its headers back, as Postfix's. 0: no limit."},
};

}  // namespace

core::ParameterTable mta_parameters() { return parameters; }

}  // namespace mailroom::mta
