// mailstore/errors.cpp - the storage error category and errno classification (see errors.hpp).
#include "mailstore/errors.hpp"

#include <cerrno>
#include <cstring>

namespace mailroom::mailstore {
namespace {

class StoreCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "mailstore"; }
    std::string message(int value) const override
    {
        switch (static_cast<Errc>(value)) {
        case Errc::not_found:
            return "no such mailbox or message";
        case Errc::already_exists:
            return "mailbox already exists";
        case Errc::no_permission:
            return "permission denied";
        case Errc::over_quota:
            return "quota exceeded";
        case Errc::in_use:
            return "mailbox is locked by another process";
        case Errc::expunged:
            return "message was expunged";
        case Errc::corrupt:
            return "mailbox or index is damaged";
        case Errc::temporary:
            return "temporary failure";
        case Errc::invalid_name:
            return "invalid mailbox name";
        case Errc::too_big:
            return "message too big";
        case Errc::unsafe_path:
            return "unsafe mailbox path";
        case Errc::has_children:
            return "mailbox has children";
        }
        return "unknown mailstore error";
    }
};

}  // namespace

const std::error_category& store_category() noexcept
{
    static const StoreCategory category;
    return category;
}

Errc classify_errno(int err) noexcept
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return Errc::not_found;
    case EEXIST:
        return Errc::already_exists;
    case EACCES:
    case EPERM:
    case EROFS:
        return Errc::no_permission;
    case EDQUOT:
    case EFBIG:
        return Errc::over_quota;
    case ELOOP:
    case EMLINK:
        return Errc::unsafe_path;
    case EAGAIN:
    case EBUSY:
        return Errc::in_use;
    default:
        return Errc::temporary;   // ENOSPC, EIO, ENOMEM, ESTALE...: try again later
    }
}

Error errno_error(int err, std::string_view what, std::string_view path)
{
    std::string text(what);
    if (!path.empty()) {
        text += ' ';
        text += path;
    }
    text += ": ";
    text += std::strerror(err);
    return Error{make_error_code(classify_errno(err)), std::move(text)};
}

void throw_exception_from_error(const Error& e, const boost::source_location&)
{
    throw StoreError(e);
}

}  // namespace mailroom::mailstore
