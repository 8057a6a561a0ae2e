// delivery/status.cpp - RFC 3463 statuses for storage errors and program exits (see status.hpp).
#include "delivery/status.hpp"

#include <sysexits.h>

namespace mailroom::delivery {
namespace {

struct ExitDetail {
    int code;
    const char* enhanced;
    const char* text;
};

// Postfix's sys_exits.c table: what a mail program means by each sysexits.h code.
constexpr ExitDetail exit_details[] = {
    {EX_USAGE, "5.3.0", "command line usage error"},
    {EX_DATAERR, "5.6.0", "data format error"},
    {EX_NOINPUT, "5.3.0", "cannot open input"},
    {EX_NOUSER, "5.1.1", "user unknown"},
    {EX_NOHOST, "5.1.2", "host name unknown"},
    {EX_UNAVAILABLE, "5.3.0", "service unavailable"},
    {EX_SOFTWARE, "5.3.0", "internal software error"},
    {EX_OSERR, "4.3.0", "system resource problem"},
    {EX_OSFILE, "5.3.0", "critical OS file missing"},
    {EX_CANTCREAT, "5.2.0", "can't create user output file"},
    {EX_IOERR, "5.3.0", "input/output error"},
    {EX_TEMPFAIL, "4.3.0", "temporary failure"},
    {EX_PROTOCOL, "5.5.0", "remote error in protocol"},
    {EX_NOPERM, "5.7.0", "permission denied"},
    {EX_CONFIG, "5.3.5", "local configuration error"},
};

}  // namespace

Status status_from_store_error(const mailstore::Error& error, bool quota_tempfail)
{
    using mailstore::Errc;
    if (error.is(Errc::over_quota))
        return Status::make(quota_tempfail ? "4.2.2" : "5.2.2", error.text);
    if (error.is(Errc::temporary))
        return Status::make("4.3.0", error.text);
    if (error.is(Errc::in_use))
        return Status::make("4.2.0", error.text);
    if (error.is(Errc::too_big))
        return Status::make("5.2.3", error.text);
    if (error.is(Errc::corrupt))   // a bad mail= field or location setting: the admin fixes it
        return Status::make("4.3.5", error.text);
    return Status::make("5.2.0", error.text);
}

Status status_from_exit(int exit_status, std::string_view command, std::string_view output)
{
    const std::string shown = one_line(output);
    // "4.2.2 mailbox full" from the program itself is the most precise status there is.
    if (const auto space = shown.find(' '); space != std::string::npos && is_enhanced_code(shown.substr(0, space)))
        return Status::make(shown.substr(0, space), shown.substr(space + 1));
    const std::string with_output = shown.empty() ? "" : ". Command output: " + shown;
    for (const auto& detail : exit_details)
        if (detail.code == exit_status)
            return Status::make(detail.enhanced, detail.text + with_output);
    return Status::make("5.3.0", "Command died with status " + std::to_string(exit_status) + ": \"" +
                                     one_line(command, 200) + "\"" + with_output);
}

int exit_code_for(const Status& status)
{
    if (status.ok())
        return EX_OK;
    if (status.temporary())
        return EX_TEMPFAIL;
    const std::string_view e = status.enhanced;
    if (e == "5.1.2")
        return EX_NOHOST;
    if (e.starts_with("5.1."))
        return EX_NOUSER;
    if (e.starts_with("5.2."))
        return EX_CANTCREAT;
    if (e == "5.3.5")
        return EX_CONFIG;
    if (e.starts_with("5.6."))
        return EX_DATAERR;
    if (e.starts_with("5.7."))
        return EX_NOPERM;
    return EX_UNAVAILABLE;
}

}  // namespace mailroom::delivery
