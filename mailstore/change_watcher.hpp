// mailstore/change_watcher.hpp - one inotify instance and thread per process that tells open
// mailboxes when their files change (new mail from another process, flag changes, the
// index log growing), so IMAP IDLE can push without polling the disk.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mailroom::mailstore {

class WatchHandle {
public:
    virtual ~WatchHandle() = default;   // stops watching
};

// Calls `on_change` (on the watcher thread) whenever an entry named `name` (any entry when
// empty) in one of `directories` is created, changed, renamed or removed. null when inotify
// is unavailable or out of watches: the caller then has to poll.
std::unique_ptr<WatchHandle> watch_directories(const std::vector<std::pair<std::filesystem::path, std::string>>& targets,
                                               std::function<void()> on_change);

}  // namespace mailroom::mailstore
