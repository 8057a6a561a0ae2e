// imap/imap_parameters.hpp - the IMAP server's configuration parameters (each documented in
// docs/configuration.md).
#pragma once
#include "core/config/parameter.hpp"

namespace mailroom::imap {

core::ParameterTable imap_parameters();

}  // namespace mailroom::imap
