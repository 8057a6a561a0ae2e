// mta/commands/queue_command.cpp - `mailroom queue` (see mta_commands.hpp): the queue listed
// like mailq(1), flushed like postqueue -f, messages deleted like postsuper -d and shown like
// postcat -q (with the RFC 3461 requests as postcat names them: dsn_ret, dsn_envid, dsn_notify,
// dsn_orcpt). It works on the queue directory directly (root, or the queue's owner).
#include "mta/commands/mta_commands.hpp"

#include "mta/queue/manager.hpp"
#include "mta/queue/queue_directory.hpp"

#include <fcntl.h>
#include <sysexits.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace mailroom::mta {
namespace {

std::string arrival_text(std::time_t when)
{
    struct tm tm{};
    localtime_r(&when, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%a %b %e %H:%M:%S", &tm);
    return buffer;
}

int list_queue(const QueueDirectory& queue)
{
    auto entries = queue.list();
    if (entries.empty()) {
        std::cout << "Mail queue is empty\n";
        return EX_OK;
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    std::cout << "-Queue ID-    --Size-- ----Arrival Time---- -Sender/Recipient-------\n";
    std::uint64_t total = 0;
    std::size_t count = 0;
    for (const auto& entry : entries) {
        const auto message = queue.load(entry.id);
        if (!message)
            continue;   // delivered meanwhile
        const auto reasons = queue.defer_reasons(entry.id);
        char line[160];
        std::snprintf(line, sizeof line, "%-12s%s %8zu %s  %s\n", entry.id.c_str(), entry.queue == "active" ? "*" : " ",
                      message->content.size(), arrival_text(message->envelope.arrival).c_str(),
                      message->envelope.sender.empty() ? "MAILER-DAEMON" : message->envelope.sender.c_str());
        std::cout << line;
        for (const auto& recipient : message->envelope.recipients) {
            if (recipient.state != RecipientState::pending)
                continue;
            if (const auto reason = reasons.find(recipient.address); reason != reasons.end())
                std::cout << std::string(42, ' ') << "(" << reason->second << ")\n";
            std::cout << std::string(42, ' ') << recipient.address << "\n";
        }
        std::cout << "\n";
        total += message->content.size();
        ++count;
    }
    std::cout << "-- " << (total + 1023) / 1024 << " Kbytes in " << count << (count == 1 ? " Request.\n" : " Requests.\n");
    return EX_OK;
}

int show_message(const QueueDirectory& queue, const std::string& id)
{
    const auto message = queue.load(id);
    if (!message) {
        std::cerr << "mailroom queue: no message " << id << " in " << queue.root().string() << "\n";
        return EX_NOINPUT;
    }
    std::cout << "*** ENVELOPE RECORDS " << id << " (" << message->queue << ") ***\n";
    std::cout << "arrival_time: " << arrival_text(message->envelope.arrival) << "\n";
    std::cout << "client: " << message->envelope.client << "\n";
    std::cout << "sender: " << message->envelope.sender << "\n";
    const auto& dsn = message->envelope.dsn;
    if (dsn.ret != core::smtp::DsnReturn::unspecified)
        std::cout << "dsn_ret: " << (dsn.ret == core::smtp::DsnReturn::full ? "FULL" : "HDRS") << "\n";
    if (!dsn.envid.empty())
        std::cout << "dsn_envid: " << dsn.envid << "\n";
    for (const auto& recipient : message->envelope.recipients) {
        std::cout << (recipient.state == RecipientState::pending ? "recipient: "
                      : recipient.state == RecipientState::done  ? "done_recipient: "
                                                                 : "bounced_recipient: ")
                  << recipient.address << "\n";
        if (recipient.dsn.notify != 0)
            std::cout << "dsn_notify: " << core::smtp::notify_text(recipient.dsn.notify) << "\n";
        if (!recipient.dsn.orcpt_type.empty())
            std::cout << "dsn_orcpt: " << recipient.dsn.orcpt_type << ";" << recipient.dsn.orcpt << "\n";
    }
    std::cout << "*** MESSAGE CONTENTS " << id << " ***\n" << message->content;
    std::cout << "*** MESSAGE FILE END " << id << " ***\n";
    return EX_OK;
}

int delete_messages(const QueueDirectory& queue, std::vector<std::string> ids)
{
    if (ids.size() == 1 && ids[0] == "ALL") {
        ids.clear();
        for (const auto& entry : queue.list())
            ids.push_back(entry.id);
    }
    int code = EX_OK;
    std::size_t deleted = 0;
    for (const auto& id : ids) {
        if (!queue.load(id)) {
            std::cerr << "mailroom queue: no message " << id << "\n";
            code = EX_NOINPUT;
            continue;
        }
        queue.remove(id);
        ++deleted;
    }
    std::cerr << "mailroom queue: deleted " << deleted << (deleted == 1 ? " message\n" : " messages\n");
    return code;
}

int flush_queue(const QueueDirectory& queue)
{
    queue.flush();
    const auto request = QueueManager::flush_request(queue.root());
    const int fd = ::open(request.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::cerr << "mailroom queue: cannot create " << request.string() << "\n";
        return EX_CANTCREAT;
    }
    ::close(fd);
    return EX_OK;
}

int usage()
{
    std::cerr << "usage: mailroom queue [list] | flush | delete ID...|ALL | show ID\n";
    return EX_USAGE;
}

}  // namespace

int queue_main(const std::vector<std::string>& args, const ConfigLoader& load_config)
{
    const std::string action = args.empty() ? "list" : args[0];
    const std::size_t operands = args.empty() ? 0 : args.size() - 1;
    if ((action == "list" || action == "flush") ? operands != 0
        : action == "show"                      ? operands != 1
        : action == "delete"                    ? operands == 0
                                                : true)
        return usage();
    const auto config = load_config();
    if (!config)
        return EX_CONFIG;
    const std::string& root = config->get("queue_directory");
    if (root.empty()) {
        std::cerr << "mailroom queue: queue_directory is not set\n";
        return EX_CONFIG;
    }
    const QueueDirectory queue(root);
    try {
        if (action == "list")
            return list_queue(queue);
        if (action == "flush")
            return flush_queue(queue);
        if (action == "show")
            return show_message(queue, args[1]);
        return delete_messages(queue, {args.begin() + 1, args.end()});
    } catch (const QueueError& e) {
        std::cerr << "mailroom queue: " << e.what() << "\n";
        return EX_IOERR;
    }
}

}  // namespace mailroom::mta
