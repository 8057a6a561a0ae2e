// imap/reply.hpp - what a command handler returns: the tagged status response (RFC 3501
// §7.1) and, for the few commands that need the connection itself, what the session loop must
// do next (STARTTLS, LOGOUT, a login, IDLE) or a continuation that produces more output
// (FETCH streaming large bodies in steps).
#pragma once
#include "imap/protocol/response.hpp"

#include <memory>
#include <string>

namespace mailroom::imap {

class Session;

struct Reply;

// Output produced in steps, so that a FETCH of large messages never holds more than about
// `budget` bytes: the loop sends what step() appended to `out`, then calls it again.
class Continuation {
public:
    virtual ~Continuation() = default;
    // Appends to `out` until out.size() reaches about `budget`; true once the command's output
    // is complete, and then `reply` (the command's, which owns this object) may be changed to
    // report what went wrong on the way. A step goes past `budget` by about `overshoot`
    // bytes at most (what one read of a body adds), so `out` can be sized once.
    virtual bool step(Session& session, std::string& out, std::size_t budget, Reply& reply) = 0;
    static constexpr std::size_t overshoot = 132 * 1024;
};

enum class Action : unsigned char {
    none,
    start_tls,      // send the tagged OK, then the TLS handshake
    logout,         // send the tagged OK, then close
    login,          // check Session::login_request() (LOGIN), then finish_login()
    authenticate,   // run the SASL exchange of Session::login_request(), then finish_login()
    idle,           // RFC 2177: "+ idling", updates until DONE, then the tagged OK
    close,          // say the tagged response and close (fatal protocol state)
};

struct Reply {
    Status status = Status::ok;
    Action action = Action::none;
    std::string code;                      // RFC 5530 response code with its arguments, or empty
    std::string text;
    std::unique_ptr<Continuation> more;    // set: run it before the tagged response

    static Reply ok(std::string text, std::string code = {}) { return make(Status::ok, std::move(text), std::move(code)); }
    static Reply no(std::string text, std::string code = {}) { return make(Status::no, std::move(text), std::move(code)); }
    static Reply bad(std::string text, std::string code = {}) { return make(Status::bad, std::move(text), std::move(code)); }
    // Changes the status line only (a Continuation must not replace the Reply that owns it).
    void set(Status new_status, std::string new_text, std::string new_code = {})
    {
        status = new_status;
        text = std::move(new_text);
        code = std::move(new_code);
    }

    static Reply with_action(Action action, std::string text = {})
    {
        Reply reply = ok(std::move(text));
        reply.action = action;
        return reply;
    }

private:
    static Reply make(Status status, std::string text, std::string code)
    {
        Reply reply;
        reply.status = status;
        reply.text = std::move(text);
        reply.code = std::move(code);
        return reply;
    }
};

}  // namespace mailroom::imap
