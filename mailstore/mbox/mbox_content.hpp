// mailstore/mbox/mbox_content.hpp - one message of an mbox file as clients see it: the
// header without mailroom's state headers (Status, X-Status, ...), the body with one '>'
// removed from ^>+From  lines (mboxrd), streamed from the file in pieces.
#pragma once
#include "mailstore/safe_file.hpp"
#include "mailstore/store.hpp"

#include <filesystem>

namespace mailroom::mailstore::mbox {

class MboxContent final : public MessageContent {
public:
    // Errc::corrupt when no "From " line is at the record's location (the file changed).
    static Result<std::unique_ptr<MboxContent>> open(const std::filesystem::path& file, const MessageRecord& record);

    std::uint64_t size() const override { return size_; }
    Result<std::size_t> read(std::uint64_t offset, std::span<char> out) override;

private:
    Result<bool> next_line();   // false at the end of the message
    void rewind();

    FileDescriptor fd_;
    std::string path_;
    std::uint64_t size_ = 0;
    std::string header_;             // filtered header block, with its empty line
    std::uint64_t body_start_ = 0;   // physical
    std::uint64_t region_end_ = 0;   // physical end of the message's bytes
    // Sequential body cursor.
    std::uint64_t physical_ = 0;
    std::uint64_t logical_ = 0;      // body offset of line_'s first byte
    std::string line_;               // the current line, unquoted
    std::string window_;             // bytes read ahead
    std::uint64_t window_start_ = 0;
};

}  // namespace mailroom::mailstore::mbox
