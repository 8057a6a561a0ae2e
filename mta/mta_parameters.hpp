// mta/mta_parameters.hpp - the parameters of mta/ (SMTP and submission services, the queue,
// the relay client). Names and defaults follow Postfix (postconf(5)) where the meaning is the
// same; docs/configuration.md documents each.
#pragma once
#include "core/config/parameter.hpp"

namespace mailroom::mta {

core::ParameterTable mta_parameters();

}  // namespace mailroom::mta
