// mta/client/connection_cache.cpp - reuse of idle client sessions (see connection_cache.hpp).
#include "mta/client/connection_cache.hpp"

namespace mailroom::mta {

core::awaitable<std::unique_ptr<ClientSession>> ConnectionCache::take(const std::string& key)
{
    for (auto found = idle_.find(key); found != idle_.end(); found = idle_.find(key)) {
        Idle idle = std::move(found->second);
        idle_.erase(found);
        bool works = false;   // no co_await inside && : g++ 12 gets such conditions wrong
        if (idle.until > Clock::now())
            works = co_await idle.session->reset();
        if (works)
            co_return std::move(idle.session);
        co_await idle.session->quit();   // expired, or the server closed it meanwhile: try the next
    }
    co_return nullptr;
}

core::awaitable<std::vector<RecipientOutcome>> ConnectionCache::deliver(const ClientTarget& target,
                                                                        Clock::duration keep,
                                                                        const std::string& sender,
                                                                        const std::vector<std::string>& recipients,
                                                                        const std::string& content,
                                                                        const ContentPrefix& prefix, const DsnRequest& dsn)
{
    const std::string key = target.cache_key();
    auto session = co_await take(key);
    if (!session) {
        std::optional<RecipientOutcome> failure;
        session = co_await ClientSession::open(target, failure);
        if (!session)
            co_return std::vector<RecipientOutcome>(recipients.size(), *failure);
    }
    auto outcomes = co_await session->deliver(sender, recipients, content, prefix, dsn);
    if (session->usable() && keep > Clock::duration::zero())
        idle_.emplace(key, Idle{std::move(session), Clock::now() + keep});
    else
        co_await session->quit();
    co_return outcomes;
}

core::awaitable<void> ConnectionCache::expire(bool everything)
{
    // Taken out of the map before the first co_await: other deliveries change it meanwhile.
    std::vector<std::unique_ptr<ClientSession>> done;
    const auto now = Clock::now();
    for (auto it = idle_.begin(); it != idle_.end();) {
        if (everything || it->second.until <= now) {
            done.push_back(std::move(it->second.session));
            it = idle_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& session : done)
        co_await session->quit();
}

}  // namespace mailroom::mta
