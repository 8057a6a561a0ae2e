// core/programs/services.hpp - which services mailroomd runs: every module whose *_listen
// parameter has addresses contributes its listeners and session handler.
#pragma once
#include "core/net/server.hpp"
#include "core/runtime/runtime.hpp"
#include "mta/queue/manager.hpp"

#include <string>
#include <vector>

namespace mailroom::programs {

// The *_listen parameters mailroomd knows, in start order (for "nothing to do" messages and
// for spotting listener changes on reload).
const std::vector<std::string>& listen_parameters();

struct ConfiguredServices {
    std::vector<core::Service> services;
    std::shared_ptr<mta::QueueManager> queue;   // started with the server; null without queue_directory
};

// Builds the services the configuration asks for. Throws core::ServerError with the
// parameter and file:line on a bad address or a missing TLS certificate.
ConfiguredServices configured_services(core::Runtime& runtime);

}  // namespace mailroom::programs
