// core/programs/services.cpp - wiring of the protocol modules into mailroomd.
#include "core/programs/services.hpp"

namespace mailroom::programs {

const std::vector<std::string>& listen_parameters()
{
    static const std::vector<std::string> names{};
    return names;
}

std::vector<core::Service> configured_services(core::Runtime&)
{
    return {};
}

}  // namespace mailroom::programs
