// mailstore/file_content.cpp - pread-based message content (see file_content.hpp), and
// MessageContent::read_all.
#include "mailstore/file_content.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mailroom::mailstore {

Result<std::string> MessageContent::read_all()
{
    std::string data(size(), '\0');
    std::uint64_t done = 0;
    while (done < data.size()) {
        auto n = read(done, std::span<char>(data.data() + done, data.size() - done));
        if (!n)
            return n.error();
        if (*n == 0)
            break;   // the file shrank under us: give what there is
        done += *n;
    }
    data.resize(done);
    return data;
}

Result<std::unique_ptr<FileContent>> FileContent::open(const std::filesystem::path& path)
{
    auto content = std::unique_ptr<FileContent>(new FileContent());
    content->fd_ = FileDescriptor(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!content->fd_) {
        if (errno == ENOENT)
            return Error{make_error_code(Errc::expunged), "message file " + path.string() + " is gone"};
        return errno_error(errno, "cannot open message", path.string());
    }
    struct stat st {};
    if (::fstat(content->fd_.get(), &st) != 0)
        return errno_error(errno, "cannot stat", path.string());
    if (!S_ISREG(st.st_mode))
        return Error{make_error_code(Errc::unsafe_path), "message " + path.string() + " is not a regular file"};
    content->size_ = static_cast<std::uint64_t>(st.st_size);
    content->path_ = path.string();
    return content;
}

Result<std::size_t> FileContent::read(std::uint64_t offset, std::span<char> out)
{
    if (offset >= size_ || out.empty())
        return std::size_t{0};
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - offset));
    for (;;) {
        const ssize_t n = ::pread(fd_.get(), out.data(), want, static_cast<off_t>(offset));
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return errno_error(errno, "cannot read message", path_);
    }
}

}  // namespace mailroom::mailstore
