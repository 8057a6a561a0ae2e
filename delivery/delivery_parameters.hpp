// delivery/delivery_parameters.hpp - the parameters of LMTP delivery and `mailroom deliver`:
// the listener and its limits, recipient resolution (Postfix local(8)'s names: aliases,
// .forward, extensions, luser_relay), commands, forwarding and quota behaviour. Every entry
// is documented in docs/configuration.md.
#pragma once
#include "core/config/parameter.hpp"

namespace mailroom::delivery {

core::ParameterTable delivery_parameters();

}  // namespace mailroom::delivery
