// mailstore/commit_observer.hpp - a hook at the commit point of a delivery, so that a caller
// can keep a write-ahead record of it (delivery's hand-off record, docs/mta.md "Crashes")
// without mailstore knowing who keeps it or why. Passed to deliver_to_maildir and
// deliver_to_mbox; without one (nullptr, the default) nothing is called and nothing costs.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace mailroom::mailstore {

class CommitObserver {
public:
    virtual ~CommitObserver() = default;

    // A Maildir copy is complete and fsync'd in `tmp` and is about to be renamed (or linked)
    // to `target`, which makes it visible. Called before the rename, on the delivering thread.
    virtual void before_maildir_commit(const std::filesystem::path& tmp, const std::filesystem::path& target) = 0;

    // `bytes` (From_ line, quoted message, and a newline first when the file lacked one) are
    // about to be appended to the locked mbox at `offset`, its size before the append.
    virtual void before_mbox_append(std::uint64_t offset, std::string_view bytes) = 0;

    // What the last before_* call announced is being undone (the rename, the write or an
    // fsync failed): called before the file is removed or the mbox truncated back.
    virtual void abandoned() = 0;
};

}  // namespace mailroom::mailstore
