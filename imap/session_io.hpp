// imap/session_io.hpp - the session coroutine's class, shared by session_loop.cpp (commands,
// literals, login) and idle_loop.cpp (IDLE, RFC 2177). Internal to imap/; includes Asio.
#pragma once
#include "core/net/connection.hpp"
#include "core/runtime/runtime.hpp"
#include "imap/command.hpp"
#include "imap/protocol/command_reader.hpp"

#include <optional>
#include <string>
#include <type_traits>

namespace mailroom::imap {

class SessionIo {
public:
    SessionIo(std::shared_ptr<core::Connection> connection, core::Runtime& runtime,
              std::shared_ptr<const core::RuntimeSnapshot> snapshot, std::shared_ptr<const ImapSettings> settings);

    core::awaitable<void> run();

private:
    using Event = CommandReader::Event;

    core::awaitable<void> converse();
    core::awaitable<std::optional<Event>> next_event();
    core::awaitable<bool> handle(Event event);
    core::awaitable<bool> run_command(const Command& command);
    core::awaitable<void> run_steps(Reply& reply);
    core::awaitable<bool> finish_command(const Command& command, Reply& reply);
    core::awaitable<bool> stream_append(const CommandReader::StreamLiteral& literal);
    core::awaitable<Reply> authenticate(const Command& command);
    core::awaitable<Reply> check_login(std::string user, std::string password, std::string authzid,
                                       std::string mechanism);
    core::awaitable<bool> idle(const Command& command, Reply& reply);   // idle_loop.cpp
    core::awaitable<void> report_changes();                             // idle_loop.cpp
    core::awaitable<void> send(bool now);
    core::awaitable<void> finish();
    void update_transport();

    // Runs fn() where store work belongs: on the blocking pool with the user's file-system
    // identity once logged in; before login there is no store, and fn() runs here.
    template <class Fn>
    core::awaitable<std::invoke_result_t<Fn&>> in_store(Fn fn)
    {
        if (!session_.has_user())
            co_return fn();
        co_return co_await runtime_.blocking().run_as(session_.user().location.owner, std::move(fn));
    }

    std::shared_ptr<core::Connection> conn_;
    core::Runtime& runtime_;
    std::shared_ptr<const core::RuntimeSnapshot> snapshot_;
    Session session_;
    CommandReader reader_;
    std::string pending_;       // input handed to the reader but not consumed yet
    std::string end_reason_;    // for the log line: "logout", "timeout", "connection lost"...
};

}  // namespace mailroom::imap
