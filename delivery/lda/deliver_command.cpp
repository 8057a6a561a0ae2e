// delivery/lda/deliver_command.cpp - `mailroom deliver`: one message from stdin through the
// same pipeline as LMTP (see lda_commands.hpp), for Postfix's mailbox_command and pipes.
#include "delivery/lda/lda_commands.hpp"

#include "core/auth/user_database.hpp"
#include "core/log/log.hpp"
#include "core/smtp/data_decoder.hpp"
#include "delivery/pipeline.hpp"
#include "delivery/spool.hpp"
#include "filters/engine.hpp"

#include <pwd.h>
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>

namespace mailroom::delivery::lda {
namespace {

constexpr std::size_t from_line_max = 4096;   // a longer first line is no From_ line

struct Options {
    std::optional<std::string> sender;
    std::string recipient;
    std::string user;
    std::string folder;
};

const char* environment(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
}

std::optional<Options> parse_options(const std::vector<std::string>& args)
{
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (i + 1 >= args.size() || flag.size() != 2 || flag[0] != '-')
            return std::nullopt;
        const std::string& value = args[++i];
        switch (flag[1]) {
        case 'f': options.sender = value == "<>" ? std::string() : value; break;
        case 'a': options.recipient = value; break;
        case 'd': options.user = value; break;
        case 'm': options.folder = value; break;
        default: return std::nullopt;
        }
    }
    // As Postfix's mailbox_command runs it: USER and RECIPIENT are in the environment.
    if (options.user.empty() && options.recipient.empty()) {
        if (const char* user = environment("USER"))
            options.user = user;
        else if (const passwd* pw = ::getpwuid(::getuid()))
            options.user = pw->pw_name;
    }
    if (options.recipient.empty()) {
        const char* recipient = environment("RECIPIENT");
        options.recipient = recipient ? recipient : options.user;
    }
    return options;
}

void configure_lda_logging(const core::Config& config)
{
    core::LogSettings settings;
    settings.syslog_name = config.get("syslog_name");
    if (const int facility = core::syslog_facility_from_name(config.get("syslog_facility")); facility >= 0)
        settings.syslog_facility = facility;
    // stderr is the MTA's: it reads the status from the start of it (and puts it in bounces),
    // so log lines meant for stderr go to syslog instead.
    const std::string& destination = config.get("log_destination");
    settings.destination = destination == "stderr" || destination == "syslog" ? core::LogSettings::Destination::syslog
                                                                              : core::LogSettings::Destination::file;
    settings.file_path = destination;
    core::configure_logging(settings);
}

// The envelope sender of a From_ line ("From ann@example.com  Fri Nov 27 ..."), <> for MAILER-DAEMON.
std::string from_line_sender(std::string_view line)
{
    line.remove_prefix(5);
    const std::string sender(line.substr(0, line.find_first_of(" \t")));
    return sender == "MAILER-DAEMON" ? std::string() : sender;
}

// Reads stdin into the spool with LF line ends; a leading From_ line is taken off and its
// sender returned. nullopt when stdin cannot be read.
std::optional<std::optional<std::string>> read_message(MessageSpool& spool)
{
    core::smtp::ChunkDecoder line_ends;
    std::string head;   // the first line, until it is known whether it is a From_ line
    bool head_done = false;
    std::optional<std::string> sender;
    std::string decoded;
    const auto take = [&](std::string_view bytes, bool last) {
        if (head_done) {
            spool.append(bytes);
            return;
        }
        head.append(bytes);
        const auto newline = head.find('\n');
        if (newline == std::string::npos && head.size() < from_line_max && !last)
            return;
        std::string_view rest = head;
        if (head.starts_with("From ") && newline != std::string::npos) {
            sender = from_line_sender(std::string_view(head).substr(0, newline));
            rest.remove_prefix(newline + 1);
        }
        spool.append(rest);
        head_done = true;
    };
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(0, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::nullopt;
        decoded.clear();
        if (n == 0) {
            line_ends.finish(decoded);
            take(decoded, true);
            break;
        }
        line_ends.decode(std::string_view(buffer, static_cast<std::size_t>(n)), decoded);
        take(decoded, false);
        if (spool.wants_flush())
            spool.flush();
    }
    spool.finish();
    return sender;
}

int fail(const Status& status)
{
    std::cerr << status.enhanced << " " << status.text << "\n";
    return exit_code_for(status);
}

}  // namespace

int deliver_main(const std::vector<std::string>& args, const ConfigLoader& load_config)
{
    const auto options = parse_options(args);
    if (!options || options->recipient.empty()) {
        std::cerr << "usage: mailroom [-c CONFIG] deliver [-f SENDER] [-a RECIPIENT] [-d USER] [-m FOLDER] < message\n";
        return EX_USAGE;
    }
    // Configuration trouble is the admin's to fix: the MTA keeps the message meanwhile.
    const auto config = load_config();
    if (!config)
        return fail(Status::make("4.3.5", "mail system configuration error (see the messages above)"));
    configure_lda_logging(*config);
    std::string error;
    auto settings = read_delivery_settings(*config, error);
    auto users = settings ? core::open_user_database(config->get("user_database"),
                                                     {config->get_bool("local_part_case_sensitive")}, error)
                          : nullptr;
    if (!users)
        return fail(Status::make("4.3.5", "mail system configuration error: " + error));

    const char* tmpdir = environment("TMPDIR");
    MessageSpool spool(tmpdir ? tmpdir : "/tmp", config->get_number("lmtp_spool_memory_limit"));
    const auto from_sender = read_message(spool);
    if (!from_sender)
        return fail(Status::make("4.3.0", std::string("cannot read the message from standard input: ") +
                                              std::strerror(errno)));
    if (spool.failed())
        return fail(Status::make("4.3.0", spool.error()));
    const char* env_sender = environment("SENDER");
    const std::string sender = options->sender    ? *options->sender
                               : *from_sender     ? **from_sender
                               : env_sender       ? std::string(env_sender)
                                                  : std::string();

    DeliveryServices services{std::move(*settings), config, std::shared_ptr<core::UserDatabase>(std::move(users)),
                              std::make_shared<AliasMaps>(), std::make_shared<filters::Engine>()};
    const std::string queue_id = core::new_log_id();
    const TraceInfo trace{queue_id, services.settings.myhostname, {}, {}, "local", std::time(nullptr)};
    const MessageInput input{spool.view(), sender, trace, std::chrono::steady_clock::now(), "local"};
    const core::Logger log("deliver", queue_id);
    log.info("from=<" + sender + ">, size=" + std::to_string(spool.size()) + ", nrcpt=1");
    DeliveredSet delivered;
    const Status status =
        deliver_to_recipient(services, input, {options->recipient, options->user, options->folder}, delivered, log);
    return status.ok() ? EX_OK : fail(status);
}

}  // namespace mailroom::delivery::lda
