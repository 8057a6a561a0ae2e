// core/log/log.hpp - one line per event in the syslog style mail admins grep today:
// "mailroom/lmtp[4711]: 3F2A91C4B7: to=<ann@example.com>, relay=local, status=sent (...)".
// Destinations: syslog (RFC 3164 datagrams to /dev/log, one tag per service), stderr, or a
// file (reopened on SIGHUP). Thread-safe; each line is written with a single write(2).
#pragma once
#include <string>
#include <string_view>

namespace mailroom::core {

enum class LogLevel { info, warning, error, fatal };

struct LogSettings {
    enum class Destination { stderr_stream, syslog, file } destination = Destination::stderr_stream;
    std::string file_path;               // for Destination::file
    std::string syslog_name = "mailroom";
    int syslog_facility = 2 << 3;        // LOG_MAIL
    LogLevel min_level = LogLevel::info; // lines below this level are dropped (the admin command: warning)
};

// Replaces the process-wide settings (startup, reload). Safe while other threads log.
void configure_logging(const LogSettings& settings);
// Parses "mail", "local0".."local7", "daemon", "user" into a syslog facility; -1 if unknown.
int syslog_facility_from_name(std::string_view name);
// Reopens a log file after rotation (SIGHUP).
void reopen_log_file();

// Writes "<syslog_name>/<service>[pid]: [level: ]message". Control characters in the
// message (which may carry client input) are escaped, so one event is one line.
void log_write(std::string_view service, LogLevel level, std::string_view message);

// A per-service, per-session or per-message logger: "service" is lmtp/imap/pop3/...,
// "prefix" is a queue id or session id put before every message ("3F2A91C4B7: ").
// verbose() lines are written only when debug logging was turned on for this peer
// (debug_peer_list) or globally.
class Logger {
public:
    explicit Logger(std::string service, std::string prefix = {}, bool verbose = false)
        : service_(std::move(service)), prefix_(std::move(prefix)), verbose_(verbose)
    {
    }

    void info(std::string_view message) const { write(LogLevel::info, message); }
    void warning(std::string_view message) const { write(LogLevel::warning, message); }
    void error(std::string_view message) const { write(LogLevel::error, message); }
    void verbose(std::string_view message) const
    {
        if (verbose_)
            write(LogLevel::info, message);
    }

    bool is_verbose() const { return verbose_; }
    const std::string& service() const { return service_; }
    Logger with_prefix(std::string prefix) const { return Logger(service_, std::move(prefix), verbose_); }
    Logger with_verbose(bool verbose) const { return Logger(service_, prefix_, verbose); }

private:
    void write(LogLevel level, std::string_view message) const;

    std::string service_;
    std::string prefix_;
    bool verbose_ = false;
};

// A new id for one message or session, 12 upper-case hex digits, unique across processes
// on this host for practical purposes (time, pid and a counter).
std::string new_log_id();

}  // namespace mailroom::core
