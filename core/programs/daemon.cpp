// core/programs/daemon.cpp - the mailroomd process life cycle (see daemon.hpp).
#include "core/programs/daemon.hpp"

#include "core/log/log.hpp"
#include "core/net/tls_context.hpp"
#include "core/programs/command_line.hpp"
#include "core/programs/pid_file.hpp"
#include "core/programs/services.hpp"

#include <boost/asio/signal_set.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace mailroom::programs {
namespace {

const core::Logger daemon_log("master");
bool logging_to_stderr = true;   // until the configuration says otherwise

core::LogSettings log_settings(const core::Config& config, bool foreground)
{
    core::LogSettings settings;
    settings.syslog_name = config.get("syslog_name");
    const int facility = core::syslog_facility_from_name(config.get("syslog_facility"));
    if (facility >= 0)
        settings.syslog_facility = facility;
    const std::string& destination = config.get("log_destination");
    if (foreground && !config.is_set_in_file("log_destination"))
        settings.destination = core::LogSettings::Destination::stderr_stream;
    else if (destination == "stderr")
        settings.destination = core::LogSettings::Destination::stderr_stream;
    else if (destination == "syslog")
        settings.destination = core::LogSettings::Destination::syslog;
    else {
        settings.destination = core::LogSettings::Destination::file;
        settings.file_path = destination;
    }
    return settings;
}

std::string check_log_destination(const core::Config& config)
{
    const std::string& destination = config.get("log_destination");
    if (destination == "stderr" || destination == "syslog" || destination.starts_with('/'))
        return {};
    return config.origin("log_destination") + ": log_destination: expected syslog, stderr or an absolute path, not \"" +
           destination + "\"";
}

// Server limits from the configuration; errors name the parameter.
bool server_limits(const core::Config& config, core::ServerLimits& limits, std::string& error)
{
    limits.connection_limit = config.get_number("connection_limit");
    limits.client_connection_limit = config.get_number("client_connection_limit");
    limits.tls_handshake_timeout = config.get_time("tls_handshake_timeout");
    for (const char* name : {"client_connection_limit_exceptions", "debug_peer_list"}) {
        std::string why;
        auto list = core::NetworkList::parse(config.get_list(name), why);
        if (!list) {
            error = config.origin(name) + ": " + name + ": " + why;
            return false;
        }
        (std::string_view(name) == "debug_peer_list" ? limits.debug_peers : limits.client_limit_exceptions) =
            std::move(*list);
    }
    return true;
}

std::shared_ptr<boost::asio::ssl::context> tls_context(const core::Config& config, std::string& error)
{
    if (config.get("tls_cert_file").empty())
        return nullptr;
    return core::make_tls_server_context(
        {config.get("tls_cert_file"), config.get("tls_key_file"), config.get("tls_min_protocol")}, error);
}

void detach()
{
    if (::fork() > 0)
        ::_exit(0);
    ::setsid();
    if (::fork() > 0)
        ::_exit(0);
    ::chdir("/");
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2)
            ::close(null);
    }
}

bool same_listeners(const core::Config& a, const core::Config& b)
{
    for (const auto& name : listen_parameters())
        if (a.get_list(name) != b.get_list(name))
            return false;
    return true;
}

// SIGHUP: a new snapshot when the file is good; the old one stays when it is not.
void reload(const std::string& path, bool foreground, core::Runtime& runtime, core::Server& server)
{
    auto result = core::Config::load_file(path, all_parameter_tables());
    for (const auto& warning : result.warnings)
        daemon_log.warning(warning.to_string());
    for (const auto& error : result.errors)
        daemon_log.error(error.to_string() + " (reload refused; the old configuration stays in use)");
    if (!result.config)
        return;
    std::string error = check_log_destination(*result.config);
    core::ServerLimits limits;
    auto snapshot = error.empty() ? core::make_runtime_snapshot(result.config, error) : nullptr;
    auto tls = snapshot && server_limits(*result.config, limits, error) ? tls_context(*result.config, error) : nullptr;
    if (!error.empty()) {
        daemon_log.error(error + " (reload refused; the old configuration stays in use)");
        return;
    }
    core::configure_logging(log_settings(*result.config, foreground));
    if (!same_listeners(*runtime.snapshot()->config, *result.config))
        daemon_log.warning("listen addresses changed: they take effect when mailroomd is restarted");
    server.set_limits(std::move(limits));
    if (tls)
        server.set_tls_context(tls);
    runtime.replace(std::move(snapshot));
    daemon_log.info("reloaded configuration " + path);
}

core::awaitable<void> handle_signals(boost::asio::signal_set& signals, const DaemonOptions& options,
                                     core::Runtime& runtime, core::Server& server)
{
    for (;;) {
        const int signal = co_await signals.async_wait(core::use_awaitable);
        if (signal == SIGHUP) {
            core::reopen_log_file();
            reload(options.config_file, options.foreground, runtime, server);
            continue;
        }
        daemon_log.info(std::string("terminating on signal ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT"));
        server.stop(runtime.snapshot()->config->get_time("shutdown_timeout"));
        co_return;
    }
}

int fatal(const std::string& message)
{
    std::cerr << "mailroomd: fatal: " << message << "\n";
    if (!logging_to_stderr)
        daemon_log.error(message);
    return 1;
}

}  // namespace

int run_daemon(const DaemonOptions& options)
{
    std::signal(SIGPIPE, SIG_IGN);
    auto config = load_config_or_report(options.config_file, "mailroomd", true);
    if (!config)
        return 78;
    if (auto error = check_log_destination(*config); !error.empty())
        return fatal(error);
    const auto settings = log_settings(*config, options.foreground);
    core::configure_logging(settings);
    logging_to_stderr = settings.destination == core::LogSettings::Destination::stderr_stream;
    std::string error;
    auto snapshot = core::make_runtime_snapshot(config, error);
    core::ServerLimits limits;
    if (!snapshot || !server_limits(*config, limits, error))
        return fatal(error);
    auto tls = tls_context(*config, error);
    if (!error.empty())
        return fatal(error);

    core::Runtime runtime(snapshot);
    const auto io_threads = config->get_number("io_threads");
    core::Server server(io_threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : io_threads);
    server.set_limits(std::move(limits));
    server.set_tls_context(tls);
    std::shared_ptr<mta::QueueManager> queue;
    try {
        auto configured = configured_services(runtime);
        if (configured.services.empty())
            return fatal("no service to run: set at least one *_listen parameter in " + options.config_file);
        for (auto& service : configured.services)
            server.add_service(std::move(service));
        queue = std::move(configured.queue);
    } catch (const core::ServerError& e) {
        return fatal(e.what());
    }

    if (!options.foreground)
        detach();
    PidFile pid_file;
    if (!pid_file.create(config->get("pid_file"), error))
        return fatal(error);

    runtime.start_threads();
    boost::asio::signal_set signals(server.io(), SIGTERM, SIGINT, SIGHUP);
    boost::asio::co_spawn(server.io(), handle_signals(signals, options, runtime, server), boost::asio::detached);
    if (queue)
        queue->start(server.io());
    server.start();
    daemon_log.info("daemon started -- version " MAILROOM_VERSION ", configuration " + options.config_file);
    server.wait();
    if (queue)
        queue->stop();
    runtime.join_threads();
    daemon_log.info("stopped");
    return 0;
}

}  // namespace mailroom::programs
