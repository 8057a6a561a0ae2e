// delivery/actions/command.cpp - |command destinations and mailbox_command (Postfix command.c
// and pipe_command.c): /bin/sh -c as the right user, in the user's home, with local(8)'s
// environment; exit status and output become the RFC 3463 status.
#include "delivery/actions/actions.hpp"

#include "core/priv/fs_identity.hpp"
#include "core/priv/run_command.hpp"
#include "delivery/resolve/local_expand.hpp"

#include <unistd.h>

#include <system_error>

namespace mailroom::delivery {
namespace {

constexpr std::string_view command_path = "/usr/bin:/bin";   // _PATH_DEFPATH, as Postfix sets it

std::vector<std::string> command_environment(const MessageContext& context, const Destination& d)
{
    const std::string& allowed = context.settings.command_filter;
    std::vector<std::string> env;
    const auto add = [&](std::string_view name, std::string_view value) {
        // Addresses come from the network: nothing the shell could take for syntax passes.
        env.push_back(std::string(name) + "=" + filter_characters(value, allowed));
    };
    if (!d.rights.home.empty())
        add("HOME", d.rights.home);
    add("USER", d.user);
    add("LOGNAME", d.user);
    if (!d.rights.shell.empty())
        add("SHELL", d.rights.shell);
    env.push_back("PATH=" + std::string(command_path));
    add("LOCAL", d.local);
    if (!d.domain.empty())
        add("DOMAIN", d.domain);
    if (!d.extension.empty())
        add("EXTENSION", d.extension);
    add("RECIPIENT", d.recipient);
    add("SENDER", d.sender);
    if (!context.original_recipient.empty())
        add("ORIGINAL_RECIPIENT", context.original_recipient);
    return env;
}

// The working directory, checked with the command's identity: local(8) defers when it
// cannot change into it.
std::optional<Status> check_directory(const std::string& directory, const core::Credentials& who)
{
    try {
        core::ScopedFsIdentity as_user(who);
        if (::access(directory.c_str(), X_OK) != 0)
            return Status::make("4.3.0", "cannot access home directory " + directory + ": " + std::strerror(errno));
    } catch (const std::system_error& e) {
        return Status::make("4.3.0", std::string("cannot run commands as uid ") + std::to_string(who.uid) + ": " +
                                         e.what());
    }
    return std::nullopt;
}

}  // namespace

Status deliver_command(const MessageContext& context, const Destination& destination)
{
    const auto& settings = context.settings;
    std::string error;
    const auto who = effective_credentials(destination.rights, settings.default_privs, error);
    if (!who)
        return Status::make("4.3.5", "mail system configuration error: " + error);
    const std::string directory = destination.rights.is_root() || destination.rights.home.empty()
                                      ? std::string("/")
                                      : destination.rights.home;
    if (auto refused = check_directory(directory, *who))
        return *refused;

    const std::string input =
        message_copy(from_line(destination.sender, context.trace.arrival) + trace_block(context, destination),
                     context.message);
    core::CommandSpec spec;
    spec.shell_command = destination.target;
    spec.env = command_environment(context, destination);
    spec.working_directory = directory;
    spec.run_as = run_as_for(*who);
    spec.stdin_data = input;
    spec.timeout = settings.command_time_limit;
    const core::CommandResult result = core::run_command(spec);

    const std::string shown = "\"" + one_line(destination.target, 200) + "\"";
    if (result.spawn_error)
        return Status::make("4.3.0", "cannot run command " + shown + ": " + result.spawn_error.message());
    if (result.timed_out)
        return Status::make("5.3.0", "command time limit exceeded: " + shown);
    if (result.term_signal != 0)
        return Status::make("4.3.0", "Command died with signal " + std::to_string(result.term_signal) + ": " + shown);
    if (result.exit_status != 0)
        return status_from_exit(result.exit_status, destination.target, result.stderr_data);
    return Status::sent("delivered to command: " + one_line(destination.target, 200));
}

}  // namespace mailroom::delivery
