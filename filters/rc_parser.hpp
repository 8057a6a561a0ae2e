// filters/rc_parser.hpp - reads procmailrc(5) text into an RcProgram: comments, blank lines,
// `\` continuations, comments between conditions, "Missing action", unbalanced braces.
#pragma once
#include <string>
#include <string_view>

#include "filters/rc_program.hpp"

namespace mailroom::filters {

// Never fails: what cannot be parsed is recorded in RcProgram::errors with its line and
// skipped the way procmail skips it, and the rest of the file is still parsed.
RcProgram parse_rc(std::string_view text, std::string path);

}  // namespace mailroom::filters
