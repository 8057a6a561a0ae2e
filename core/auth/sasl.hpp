// core/auth/sasl.hpp - the server side of SASL PLAIN (RFC 4616) and LOGIN
// (draft-murchison-sasl-login), shared by IMAP AUTHENTICATE (RFC 9051 6.2.2), POP3 AUTH
// (RFC 5034) and SMTP AUTH (RFC 4954). Sans-I/O: it takes and gives base64 text lines;
// the protocol decides how to frame them ("+ " or "334 ").
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

struct SaslStep {
    enum class Kind { challenge, credentials, failed } kind = Kind::failed;
    std::string challenge;   // base64, for Kind::challenge
    std::string authcid;     // the user name, for Kind::credentials
    std::string authzid;     // requested authorization identity; may be empty
    std::string password;
    std::string error;       // for Kind::failed: "malformed PLAIN response", "cancelled"
};

class SaslExchange {
public:
    virtual ~SaslExchange() = default;
    // `initial_response`: the base64 initial response (SASL-IR, RFC 4959), "=" for an empty
    // one, or nullopt when the client sent none.
    virtual SaslStep start(std::optional<std::string_view> initial_response) = 0;
    // One client line (base64, or "*" to cancel, RFC 4422 section 3.5).
    virtual SaslStep respond(std::string_view line) = 0;
};

// The mechanisms offered, in advertising order.
const std::vector<std::string>& sasl_mechanisms();
// A new exchange for a mechanism name (case-insensitive); null when unsupported.
std::unique_ptr<SaslExchange> start_sasl(std::string_view mechanism);

}  // namespace mailroom::core
