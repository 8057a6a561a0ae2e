// imap/imap_parameters.cpp - declarations of the IMAP server's parameters; each is documented
// in docs/configuration.md.
#include "imap/imap_parameters.hpp"

namespace mailroom::imap {
namespace {

using core::ParamKind;
using core::ParameterSpec;

const ParameterSpec parameters[] = {
    {"imap_listen", "", ParamKind::list,
     "Addresses the IMAP service listens on (host:port, [v6]:port, unix:/path); empty: no IMAP. Port 143 is "
     "IMAP's (RFC 9051); STARTTLS is offered when tls_cert_file is set."},
    {"imaps_listen", "", ParamKind::list,
     "Addresses for IMAP over implicit TLS (RFC 8314; port 993); needs tls_cert_file."},
    {"imap_max_line_length", "64k", ParamKind::size,
     "Longest command line accepted (without literals); a longer one is answered BAD [TOOBIG] and the "
     "connection is closed. RFC 7162 asks for at least 8192."},
    {"imap_max_command_size", "1m", ParamKind::size,
     "Most bytes one command may carry in its lines and literals together (APPEND's message excepted)."},
    {"imap_literal_max", "64m", ParamKind::size,
     "Largest message APPEND accepts; bigger ones get NO [TOOBIG] before any byte is read."},
    {"imap_login_timeout", "60s", ParamKind::time,
     "How long a client that has not logged in may stay idle."},
    {"imap_idle_timeout", "30m", ParamKind::time,
     "How long a logged-in client may stay idle (the autologout timer; RFC 9051 section 5.4 asks for at least "
     "30 minutes, smaller values are raised to 30m)."},
    {"imap_idle_notify_interval", "2m", ParamKind::time,
     "How often a client in IDLE gets \"* OK Still here\", so that NAT boxes keep the connection open."},
    {"imap_idle_poll_interval", "5s", ParamKind::time,
     "How often IDLE looks for changes in a mailbox that inotify cannot watch (changes through the store "
     "itself are pushed at once)."},
};

}  // namespace

core::ParameterTable imap_parameters() { return parameters; }

}  // namespace mailroom::imap
