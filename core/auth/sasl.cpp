// core/auth/sasl.cpp - SASL PLAIN (RFC 4616 section 2) and LOGIN server exchanges.
#include "core/auth/sasl.hpp"

#include "core/util/base64.hpp"
#include "core/util/strings.hpp"

namespace mailroom::core {
namespace {

constexpr std::size_t max_sasl_field = 1024;   // user names and passwords longer than this are refused

SaslStep failed(std::string error)
{
    SaslStep step;
    step.kind = SaslStep::Kind::failed;
    step.error = std::move(error);
    return step;
}

SaslStep challenge(std::string_view text)
{
    SaslStep step;
    step.kind = SaslStep::Kind::challenge;
    step.challenge = base64_encode(text);
    return step;
}

std::optional<std::string> decode_line(std::string_view line)
{
    line = trim(line);
    if (line == "=")
        return std::string();
    return base64_decode(line);
}

class PlainExchange final : public SaslExchange {
public:
    SaslStep start(std::optional<std::string_view> initial) override
    {
        if (!initial)
            return challenge("");
        return respond(*initial);
    }

    SaslStep respond(std::string_view line) override
    {
        if (trim(line) == "*")
            return failed("authentication cancelled by the client");
        const auto decoded = decode_line(line);
        if (!decoded)
            return failed("invalid base64 in the PLAIN response");
        // message = [authzid] NUL authcid NUL passwd
        const auto first = decoded->find('\0');
        const auto second = first == std::string::npos ? first : decoded->find('\0', first + 1);
        if (second == std::string::npos || decoded->find('\0', second + 1) != std::string::npos)
            return failed("malformed PLAIN response (expected authzid NUL authcid NUL password)");
        SaslStep step;
        step.kind = SaslStep::Kind::credentials;
        step.authzid = decoded->substr(0, first);
        step.authcid = decoded->substr(first + 1, second - first - 1);
        step.password = decoded->substr(second + 1);
        if (step.authcid.empty() || step.authcid.size() > max_sasl_field || step.password.size() > max_sasl_field)
            return failed("malformed PLAIN response (empty or over-long user name or password)");
        return step;
    }
};

class LoginExchange final : public SaslExchange {
public:
    SaslStep start(std::optional<std::string_view> initial) override
    {
        if (!initial)
            return challenge("Username:");
        return respond(*initial);
    }

    SaslStep respond(std::string_view line) override
    {
        if (trim(line) == "*")
            return failed("authentication cancelled by the client");
        const auto decoded = decode_line(line);
        if (!decoded || decoded->size() > max_sasl_field || decoded->find('\0') != std::string::npos)
            return failed("invalid LOGIN response");
        if (!have_user_) {
            if (decoded->empty())
                return failed("empty user name in LOGIN");
            user_ = *decoded;
            have_user_ = true;
            return challenge("Password:");
        }
        SaslStep step;
        step.kind = SaslStep::Kind::credentials;
        step.authcid = user_;
        step.password = *decoded;
        return step;
    }

private:
    bool have_user_ = false;
    std::string user_;
};

}  // namespace

const std::vector<std::string>& sasl_mechanisms()
{
    static const std::vector<std::string> names{"PLAIN", "LOGIN"};
    return names;
}

std::unique_ptr<SaslExchange> start_sasl(std::string_view mechanism)
{
    if (iequals(mechanism, "PLAIN"))
        return std::make_unique<PlainExchange>();
    if (iequals(mechanism, "LOGIN"))
        return std::make_unique<LoginExchange>();
    return nullptr;
}

}  // namespace mailroom::core
