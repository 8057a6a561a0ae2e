// pop3/pop3_parameters.hpp - the parameters the POP3 service reads: its listeners, UIDL
// format, \Seen marking, APOP, timeouts and the bad-command limit (docs/configuration.md).
#pragma once
#include "core/config/parameter.hpp"

namespace mailroom::pop3 {

core::ParameterTable pop3_parameters();

}  // namespace mailroom::pop3
