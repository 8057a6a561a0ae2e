// mta/client/connection_cache.hpp - client sessions kept open between deliveries, one pool per
// target (Postfix's connection cache, scache(8), and its lmtp_/smtp_connection_cache_time_limit):
// a delivery takes an idle session for its target, sends RSET to see that it still works (as
// Postfix's smtp(8) does before reusing a cached connection), and opens a new one when none
// does; afterwards a session that is still usable waits for the next delivery, for at most
// the target's time limit. Not thread-safe: the queue manager uses it from its strand.
#pragma once
#include "mta/client/smtp_client.hpp"

#include <chrono>
#include <map>
#include <memory>

namespace mailroom::mta {

class ConnectionCache {
public:
    using Clock = std::chrono::steady_clock;

    // One transaction to `target` over a cached connection or a new one; the session is kept
    // for `keep` afterwards when it is still usable (0: closed at once).
    core::awaitable<std::vector<RecipientOutcome>> deliver(const ClientTarget& target, Clock::duration keep,
                                                           const std::string& sender,
                                                           const std::vector<std::string>& recipients,
                                                           const std::string& content,
                                                           const ContentPrefix& prefix, const DsnRequest& dsn);

    // QUITs the idle sessions whose time is up (all of them with `everything`).
    core::awaitable<void> expire(bool everything = false);

    std::size_t idle() const { return idle_.size(); }

private:
    struct Idle {
        std::unique_ptr<ClientSession> session;
        Clock::time_point until;
    };
    // A working idle session for `key`, or null; RSETs it first.
    core::awaitable<std::unique_ptr<ClientSession>> take(const std::string& key);

    std::multimap<std::string, Idle> idle_;
};

}  // namespace mailroom::mta
