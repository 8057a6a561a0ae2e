// mta/commands/sendmail_command.cpp - `mailroom sendmail` (see mta_commands.hpp): Postfix
// sendmail(1)'s options, -t recipients from the header (RFC 5322 section 3.6.3), From:,
// Date: and Message-ID: added when missing (as Postfix's cleanup does), -N/-R/-V as RFC 3461
// NOTIFY, RET and ENVID, then one SMTP transaction with mailroomd's sendmail socket through
// mta/client.
#include "mta/commands/mta_commands.hpp"

#include "core/log/log.hpp"
#include "mailstore/message/address.hpp"
#include "mailstore/message/header.hpp"
#include "mta/client/smtp_client.hpp"
#include "mta/queue/dsn.hpp"
#include "mta/smtpd/smtp_service.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <pwd.h>
#include <sysexits.h>
#include <unistd.h>

#include <iostream>

namespace mailroom::mta {
namespace {

struct Options {
    bool from_header = false;   // -t
    bool dot_ends = true;       // without -i / -oi
    bool smtp_on_stdio = false; // -bs
    std::string sender;
    bool sender_given = false;
    std::string full_name;
    std::vector<std::string> recipients;
    core::smtp::MailDsn dsn;        // -R, -V
    core::smtp::RcptDsn notify;     // -N, for every recipient
};

int usage(const std::string& why)
{
    std::cerr << "mailroom sendmail: " << why
              << "\nusage: mailroom sendmail [-t] [-i] [-f SENDER] [-F NAME] [-N never|success,delay,failure] "
                 "[-R full|hdrs] [-V ENVID] [-bs] [--] [RECIPIENT...]\n";
    return EX_USAGE;
}

// Returns an exit code for bad usage, or -1.
int parse_options(const std::vector<std::string>& args, Options& o)
{
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || a[0] != '-')
            break;
        const auto value = [&](std::string& out) {
            if (a.size() > 2)
                out = a.substr(2);
            else if (i + 1 < args.size())
                out = args[++i];
            else
                return false;
            return true;
        };
        if (a == "-t")
            o.from_header = true;
        else if (a == "-i" || a == "-oi")
            o.dot_ends = false;
        else if (a == "-bs")
            o.smtp_on_stdio = true;
        else if (a == "-bm")
            continue;
        else if (a.starts_with("-f") || a.starts_with("-r")) {
            if (!value(o.sender))
                return usage("-f needs an address");
            o.sender_given = true;
        } else if (a.starts_with("-F")) {
            if (!value(o.full_name))
                return usage("-F needs a name");
        } else if (a.starts_with("-N") || a.starts_with("-R") || a.starts_with("-V")) {
            // Checked as the SMTP parameters they become, so what mailroomd would refuse is
            // refused here with its reason.
            std::string given;
            if (!value(given))
                return usage(a.substr(0, 2) + " needs a value");
            const auto refused = a[1] == 'N'   ? core::smtp::take_rcpt_parameter(o.notify, "NOTIFY", given)
                                 : a[1] == 'R' ? core::smtp::take_mail_parameter(o.dsn, "RET", given)
                                               : core::smtp::take_mail_parameter(o.dsn, "ENVID",
                                                                                 core::smtp::xtext_encode(given));
            if (refused && !refused->empty())
                return usage(a.substr(0, 2) + " " + given + ": " + *refused);
        } else if (a.starts_with("-o") || a.starts_with("-B") || a.starts_with("-X") || a == "-v" || a == "-U" ||
                   a == "-m") {
            std::string ignored;
            if (a.size() == 2 && a != "-v" && a != "-U" && a != "-m" && a != "-o")
                value(ignored);
        } else {
            return usage("unknown option " + a);
        }
    }
    o.recipients.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    return -1;
}

// stdin with LF line ends; without -i, a line holding only "." ends it.
std::string read_message(bool dot_ends)
{
    std::string out;
    for (std::string line; std::getline(std::cin, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (dot_ends && line == ".")
            break;
        out += line + "\n";
    }
    return out;
}

std::string login_name()
{
    if (const passwd* pw = ::getpwuid(::getuid()))
        return pw->pw_name;
    return "uid" + std::to_string(::getuid());
}

// -t: the header's To/Cc/Bcc addresses are added; Bcc: lines are removed.
void header_recipients(std::string& message, std::vector<std::string>& recipients)
{
    const message::HeaderBlock header = message::parse_header(message);
    std::string kept;
    std::size_t copied = 0;
    for (const auto& field : header.fields) {
        const bool bcc = message::iequals(field.name, "Bcc");
        if (bcc || message::iequals(field.name, "To") || message::iequals(field.name, "Cc"))
            for (const auto& address : message::parse_address_list(message::unfold(field.value), false))
                if (address.kind == message::AddressKind::mailbox && !address.mailbox.empty())
                    recipients.push_back(address.mailbox + (address.host.empty() ? "" : "@" + address.host));
        if (bcc) {
            kept += message.substr(copied, field.offset - copied);
            copied = field.offset + field.raw.size();
        }
    }
    message = kept + message.substr(copied);
}

void add_missing_fields(std::string& message, const Options& o, const core::Config& config)
{
    const message::HeaderBlock header = message::parse_header(message);
    std::string added;
    if (!header.find_first("From"))
        added += "From: " + (o.full_name.empty() ? std::string() : "\"" + o.full_name + "\" ") + "<" + o.sender + ">\n";
    if (!header.find_first("Date"))
        added += "Date: " + rfc5322_date(std::time(nullptr)) + "\n";
    if (!header.find_first("Message-ID"))
        added += "Message-ID: <" + core::new_log_id() + "@" + config.get("myhostname") + ">\n";
    message = added + message;
}

int exit_code(const core::smtp::Status& status)
{
    if (status.temporary())
        return EX_TEMPFAIL;
    return status.enhanced.starts_with("5.1.") ? EX_NOUSER : EX_UNAVAILABLE;
}

// -bs: stdin/stdout relayed to the socket as they are.
int relay_stdio(const std::string& socket_path)
{
    boost::asio::io_context io;
    boost::asio::local::stream_protocol::socket socket(io);
    boost::system::error_code ec;
    socket.connect(socket_path, ec);
    if (ec) {
        std::cout << "421 4.3.0 mail system unavailable: " << ec.message() << "\r\n" << std::flush;
        return EX_TEMPFAIL;
    }
    pollfd fds[2] = {{0, POLLIN, 0}, {socket.native_handle(), POLLIN, 0}};
    char buffer[16384];
    for (;;) {
        if (::poll(fds, 2, -1) < 0)
            return EX_IOERR;
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP)))
                continue;
            const ssize_t n = ::read(fds[k].fd, buffer, sizeof buffer);
            if (n <= 0 && k == 1)
                return EX_OK;   // the server closed (after QUIT)
            if (n <= 0) {        // end of our input: let the server answer what it has
                ::shutdown(socket.native_handle(), SHUT_WR);
                fds[0].fd = -1;
                continue;
            }
            const int out = k == 0 ? socket.native_handle() : 1;
            for (ssize_t done = 0; done < n;) {
                const ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
                if (w <= 0)
                    return EX_IOERR;
                done += w;
            }
        }
    }
}

}  // namespace

int sendmail_main(const std::vector<std::string>& args, const ConfigLoader& load_config)
{
    Options o;
    if (const int bad = parse_options(args, o); bad >= 0)
        return bad;
    const auto config = load_config();
    if (!config)
        return EX_CONFIG;
    const std::string& root = config->get("queue_directory");
    if (root.empty()) {
        std::cerr << "mailroom sendmail: queue_directory is not set: there is no queue to put mail into\n";
        return EX_CONFIG;
    }
    const std::string socket = sendmail_socket(root).string();
    if (o.smtp_on_stdio)
        return relay_stdio(socket);
    if (!o.sender_given)
        o.sender = login_name() + "@" + config->get("myorigin");
    std::string message = read_message(o.dot_ends);
    if (o.from_header)
        header_recipients(message, o.recipients);
    if (o.recipients.empty()) {
        std::cerr << "mailroom sendmail: no recipients (give addresses, or -t with To:, Cc: or Bcc:)\n";
        return EX_USAGE;
    }
    add_missing_fields(message, o, *config);

    ClientTarget target;
    target.address.kind = core::ListenAddress::Kind::unix_socket;
    target.address.path = socket;
    target.address.text = "unix:" + socket;
    target.helo_name = "localhost";
    boost::asio::io_context io;
    std::vector<RecipientOutcome> outcomes;
    const DsnRequest dsn{o.dsn, std::vector<core::smtp::RcptDsn>(o.recipients.size(), o.notify)};
    core::asio::co_spawn(io, send_message(target, o.sender, o.recipients, message, dsn),
                         [&outcomes](std::exception_ptr error, std::vector<RecipientOutcome> result) {
                             if (!error)
                                 outcomes = std::move(result);
                         });
    io.run();
    int code = EX_OK;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const auto& status = outcomes[i].status;
        if (status.ok())
            continue;
        std::cerr << status.enhanced << " " << o.recipients[i] << ": " << status.text << "\n";
        if (code == EX_OK || status.temporary())
            code = exit_code(status);
    }
    if (outcomes.size() != o.recipients.size()) {
        std::cerr << "4.3.0 mailroom sendmail: internal error while talking to " << socket << "\n";
        return EX_TEMPFAIL;
    }
    return code;
}

}  // namespace mailroom::mta
