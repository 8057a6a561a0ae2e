// mailstore/change_watcher.cpp - the process-wide inotify thread (see change_watcher.hpp).
#include "mailstore/change_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <thread>

namespace mailroom::mailstore {
namespace {

constexpr std::uint32_t watch_events =
    IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF;

class Watcher {
public:
    static Watcher& instance()
    {
        static Watcher watcher;
        return watcher;
    }

    struct Subscription {
        std::string name;
        std::function<void()>* callback;
    };

    // Returns the inotify watch descriptor, or -1.
    int add(const std::filesystem::path& directory, const std::string& name, std::function<void()>* callback)
    {
        std::lock_guard lock(mutex_);
        if (fd_ < 0)
            return -1;
        const int wd = ::inotify_add_watch(fd_, directory.c_str(), watch_events | IN_ONLYDIR);
        if (wd < 0)
            return -1;
        subscriptions_.emplace(wd, Subscription{name, callback});
        return wd;
    }

    void remove(int wd, std::function<void()>* callback)
    {
        std::lock_guard lock(mutex_);
        auto [begin, end] = subscriptions_.equal_range(wd);
        for (auto it = begin; it != end; ++it)
            if (it->second.callback == callback) {
                subscriptions_.erase(it);
                break;
            }
        // The kernel's watch is shared by every subscriber of the directory: keep it while any remain.
        if (!subscriptions_.contains(wd))
            ::inotify_rm_watch(fd_, wd);
    }

private:
    Watcher()
    {
        fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd_ >= 0 && stop_fd_ >= 0)
            thread_ = std::thread([this] { run(); });
    }

    ~Watcher()
    {
        if (thread_.joinable()) {
            const std::uint64_t one = 1;
            (void)!::write(stop_fd_, &one, sizeof one);
            thread_.join();
        }
        if (fd_ >= 0)
            ::close(fd_);
        if (stop_fd_ >= 0)
            ::close(stop_fd_);
    }

    void run()
    {
        alignas(inotify_event) char buffer[16384];
        for (;;) {
            pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0)
                continue;
            if (fds[1].revents)
                return;
            const ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0)
                continue;
            std::vector<std::function<void()>*> to_call;
            {
                std::lock_guard lock(mutex_);
                for (ssize_t at = 0; at < n;) {
                    const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                    const std::string name = event->len ? event->name : "";
                    auto [begin, end] = subscriptions_.equal_range(event->wd);
                    for (auto it = begin; it != end; ++it)
                        if (it->second.name.empty() || it->second.name == name || (event->mask & IN_Q_OVERFLOW))
                            to_call.push_back(it->second.callback);
                    at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
                }
                // Callbacks run under the lock so a handle being destroyed waits for them.
                std::sort(to_call.begin(), to_call.end());
                to_call.erase(std::unique(to_call.begin(), to_call.end()), to_call.end());
                for (auto* callback : to_call)
                    (*callback)();
            }
        }
    }

    std::mutex mutex_;
    int fd_ = -1;
    int stop_fd_ = -1;
    std::multimap<int, Subscription> subscriptions_;
    std::thread thread_;
};

class InotifyHandle final : public WatchHandle {
public:
    explicit InotifyHandle(std::function<void()> callback) : callback_(std::make_unique<std::function<void()>>(std::move(callback))) {}
    ~InotifyHandle() override
    {
        for (int wd : watches_)
            Watcher::instance().remove(wd, callback_.get());
    }
    bool add(const std::filesystem::path& directory, const std::string& name)
    {
        const int wd = Watcher::instance().add(directory, name, callback_.get());
        if (wd < 0)
            return false;
        watches_.push_back(wd);
        return true;
    }

private:
    std::unique_ptr<std::function<void()>> callback_;
    std::vector<int> watches_;
};

}  // namespace

std::unique_ptr<WatchHandle> watch_directories(const std::vector<std::pair<std::filesystem::path, std::string>>& targets,
                                               std::function<void()> on_change)
{
    auto handle = std::make_unique<InotifyHandle>(std::move(on_change));
    for (const auto& [directory, name] : targets)
        if (!handle->add(directory, name))
            return nullptr;
    return handle;
}

}  // namespace mailroom::mailstore
