// core/config/core_parameters.cpp - declarations of core/'s parameters. Names follow Postfix
// (postconf(5)) where the meaning is the same; every entry is in docs/configuration.md.
#include "core/config/core_parameters.hpp"

#include <netdb.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace mailroom::core {

std::string system_host_name()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost.localdomain";
    std::string host(name);
    if (host.find('.') == std::string::npos) {
        addrinfo hints{};
        hints.ai_flags = AI_CANONNAME;
        addrinfo* info = nullptr;
        if (::getaddrinfo(name, nullptr, &hints, &info) == 0 && info) {
            if (info->ai_canonname && std::strchr(info->ai_canonname, '.'))
                host = info->ai_canonname;
            ::freeaddrinfo(info);
        }
    }
    if (host.find('.') == std::string::npos)
        host += ".localdomain";
    return host;
}

namespace {

std::string without_first_label(std::string_view host)
{
    const auto dot = host.find('.');
    return std::string(dot == std::string_view::npos ? host : host.substr(dot + 1));
}

constexpr auto S = ParamKind::string;
constexpr auto L = ParamKind::list;
constexpr auto B = ParamKind::boolean;
constexpr auto N = ParamKind::integer;
constexpr auto T = ParamKind::time;

const ParameterSpec parameters[] = {
    {"myhostname", "", S, "The fully qualified name of this host (default: from the system).", param_plain, 's',
     system_host_name},
    {"mydomain", "$myhostname", S, "The domain of this host (default: $myhostname without its first label).",
     param_plain, 's', nullptr, without_first_label},
    {"myorigin", "$myhostname", S, "The domain that locally generated mail appears to come from."},
    {"mydestination", "$myhostname, localhost.$mydomain, localhost", L,
     "Domains delivered to local (system or users-file) users without a domain part."},
    {"data_directory", "/var/lib/mailroom", S, "Directory for mailroom's own state (pid file, queue, indexes)."},
    {"pid_file", "$data_directory/mailroomd.pid", S, "Where mailroomd writes its process id."},
    {"log_destination", "syslog", S,
     "Where log lines go: syslog, stderr, or an absolute file path. mailroomd -f logs to stderr unless this is set."},
    {"syslog_name", "mailroom", S, "The program name at the start of each log line (mailroom/lmtp[pid])."},
    {"syslog_facility", "mail", S, "The syslog facility: mail, daemon, user, local0 ... local7."},
    {"debug_peer_list", "", L, "Client addresses or networks whose conversations are logged in full."},
    {"user_database", "system", S,
     "Where users come from: system (the machine's accounts) or passwd-file:/path (Dovecot's passwd-file format)."},
    {"local_part_case_sensitive", "no", B,
     "Whether user names differ by case in the local part (domains never do)."},
    {"mail_uid", "", S, "User (name or number) that owns virtual users' mail when the users file gives no uid."},
    {"mail_gid", "", S, "Group (name or number) for virtual users' mail when the users file gives no gid."},
    {"tls_cert_file", "", S, "PEM certificate chain for TLS (STARTTLS, STLS and the implicit-TLS ports)."},
    {"tls_key_file", "$tls_cert_file", S, "PEM private key for tls_cert_file."},
    {"tls_min_protocol", "TLSv1.2", S, "Oldest TLS version accepted: TLSv1.2 or TLSv1.3."},
    {"tls_handshake_timeout", "30s", T, "Time allowed for a TLS handshake."},
    {"disable_plaintext_auth", "yes", B,
     "Refuse password logins (IMAP LOGIN, POP3 USER/PASS, AUTH PLAIN/LOGIN) on connections without TLS, "
     "except from loopback or a unix socket."},
    {"login_failure_delay", "2s", T, "Delay before answering a failed login; doubles per consecutive failure."},
    {"login_failure_delay_max", "30s", T, "Ceiling of the growing failed-login delay."},
    {"connection_limit", "20000", N, "Connections served at once, all services together."},
    {"client_connection_limit", "50", N, "Connections at once from one client address, all services together."},
    {"client_connection_limit_exceptions", "", L,
     "Client addresses or networks exempt from client_connection_limit (e.g. a webmail host)."},
    {"io_threads", "0", N, "Threads running network sessions; 0 means one per CPU core."},
    {"blocking_threads", "8", N, "Threads for disk and program work (fsync, scans, commands)."},
    {"delivery_threads", "4", N,
     "Threads for LMTP deliveries (resolution, filters, writing and fsync), apart from blocking_threads so "
     "that deliveries never wait behind IMAP and POP3 work; 0: deliveries share the blocking_threads pool."},
    {"shutdown_timeout", "10s", T, "On SIGTERM, how long sessions get to finish before they are closed."},
    {"unix_socket_mode", "0666", S, "Permissions (octal) of unix-domain listening sockets."},
};

}  // namespace

ParameterTable core_parameters() { return parameters; }

}  // namespace mailroom::core
