// core/config/core_parameters.hpp - the parameters core/ itself reads: identity of the
// host, files and directories, logging, users, TLS and the server's limits.
#pragma once
#include "core/config/parameter.hpp"

namespace mailroom::core {

ParameterTable core_parameters();

// The host's fully qualified name (gethostname + canonical name lookup), used as the
// myhostname default; "localhost.localdomain" when nothing better is known.
std::string system_host_name();

}  // namespace mailroom::core
