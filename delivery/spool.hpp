// delivery/spool.hpp - one incoming message while it arrives and while it is delivered: held
// in memory up to a limit, beyond that in an unnamed file (O_TMPFILE) in data_directory, so
// memory stays bounded and a killed daemon leaves nothing behind. Delivery reads it as one
// contiguous view (the memory, or a read-only mapping of the file).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mailroom::delivery {

class MessageSpool {
public:
    // `memory_limit`: bytes kept in memory before the file is used (and the size of each
    // write to it).
    MessageSpool(std::string directory, std::size_t memory_limit);
    ~MessageSpool();
    MessageSpool(const MessageSpool&) = delete;
    MessageSpool& operator=(const MessageSpool&) = delete;

    // Adds bytes to the in-memory buffer; never touches the disk.
    void append(std::string_view bytes);

    // True when the buffer has reached the memory limit: call flush() from a thread that may
    // block on the disk (a blocking-pool thread in the daemon).
    bool wants_flush() const { return buffer_.size() >= memory_limit_; }

    // Moves the buffer to the file, creating it on first use. Blocking. A failure is kept
    // (failed(), error()) and later data is dropped: the message cannot be delivered.
    void flush();

    // Completes the message: flushes (blocking) and maps the file. After it, view() is valid
    // until the spool is destroyed.
    void finish();

    std::string_view view() const { return view_; }
    std::uint64_t size() const { return size_; }
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    bool on_disk() const { return fd_ >= 0; }

private:
    bool open_file();

    std::string directory_;
    std::size_t memory_limit_;
    std::string buffer_;
    std::uint64_t size_ = 0;
    int fd_ = -1;
    void* map_ = nullptr;
    std::size_t map_size_ = 0;
    std::string_view view_;
    std::string error_;
};

}  // namespace mailroom::delivery
