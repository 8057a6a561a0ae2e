// mailstore/mailstore_parameters.hpp - the parameters the mail store reads: where each
// user's mail lives (Postfix's home_mailbox and mail_spool_directory), indexes, locking,
// quota and folders created on first login.
#pragma once
#include "core/config/parameter.hpp"

namespace mailroom::mailstore {

core::ParameterTable mailstore_parameters();

}  // namespace mailroom::mailstore
