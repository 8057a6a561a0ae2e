// mailstore/file_content.hpp - MessageContent over a whole file (a Maildir message) or a
// byte range of one, read with pread so large messages are streamed, never loaded whole.
#pragma once
#include "mailstore/safe_file.hpp"
#include "mailstore/store.hpp"

#include <filesystem>

namespace mailroom::mailstore {

class FileContent final : public MessageContent {
public:
    // Opens `path` read-only (no symlinks). Errc::expunged when it no longer exists.
    static Result<std::unique_ptr<FileContent>> open(const std::filesystem::path& path);

    std::uint64_t size() const override { return size_; }
    Result<std::size_t> read(std::uint64_t offset, std::span<char> out) override;

private:
    FileDescriptor fd_;
    std::uint64_t size_ = 0;
    std::string path_;
};

}  // namespace mailroom::mailstore
