// tests/unit/pop3/pop3_driver.hpp - runs client input through the sans-I/O POP3 machine in
// pieces of a given size and answers its events the way pop3/session.cpp does, with a real
// maildrop in a temp directory. Users: ann (password "secret", stored {PLAIN}, so APOP works)
// and bob ("hunter2", stored as SHA512-CRYPT, so APOP cannot work). STLS "succeeds" at once;
// messages are read from the store in 7-byte chunks, to split line ends and dots.
#pragma once
#include "core/auth/password.hpp"
#include "pop3/apop.hpp"
#include "pop3/message_encoder.hpp"
#include "pop3/protocol.hpp"
#include "tests/unit/mailstore/store_fixture.hpp"

#include <map>

inline mailroom::pop3::ProtocolOptions test_options()
{
    mailroom::pop3::ProtocolOptions options;
    options.plaintext_auth_allowed = true;
    return options;
}

inline const std::map<std::string, std::string>& test_users()
{
    static const std::map<std::string, std::string> users{
        {"ann", "{PLAIN}secret"}, {"bob", *mailroom::core::hash_password("SHA512-CRYPT", "hunter2")}};
    return users;
}

class Pop3Client {
public:
    using Protocol = mailroom::pop3::Protocol;

    explicit Pop3Client(StoreFixture& store, mailroom::pop3::ProtocolOptions options = test_options(),
                        std::string_view uidl_format = "%08Xu%08Xv")
        : store_(store), timestamp_(options.apop_timestamp), expire_days_(options.expire_days),
          machine_(std::move(options))
    {
        std::string error;
        auto format = mailroom::pop3::UidlFormat::parse(uidl_format, error);
        REQUIRE(format);
        format_ = std::move(*format);
        greeting = machine_.greeting();
    }

    // Feeds `input` in pieces of `piece` bytes (0: all at once); returns what the server said.
    std::string send(std::string_view input, std::size_t piece = 0)
    {
        std::string out;
        const std::size_t step = piece == 0 ? std::max<std::size_t>(input.size(), 1) : piece;
        for (std::size_t pos = 0; pos < input.size() && !closed; pos += step) {
            pending_.append(input.substr(pos, step));
            while (!closed && !pending_.empty()) {
                std::size_t used = 0;
                auto event = machine_.feed(pending_, used);
                pending_.erase(0, used);
                if (std::holds_alternative<Protocol::StartTls>(event))
                    pending_.clear();   // plaintext sent after STLS is dropped, as the transport does
                out += handle(std::move(event));
            }
        }
        return out;
    }

    // The clock the maildrop's EXPIRE policy sees at the next login.
    std::time_t now = std::time(nullptr);

    // Ends the connection without QUIT (a dropped connection).
    void drop() { maildrop_.reset(); }

    Protocol& machine() { return machine_; }
    std::string greeting;
    bool closed = false;
    std::string close_reason;
    int tls_starts = 0;

private:
    std::string handle(Protocol::Event event)
    {
        std::string out;
        if (std::holds_alternative<Protocol::StartTls>(event)) {
            ++tls_starts;
            out = machine_.take_output();
            machine_.tls_started(true);
        } else if (const auto* login = std::get_if<Protocol::Login>(&event)) {
            out = handle(log_in(*login));
        } else if (const auto* retrieve = std::get_if<Protocol::Retrieve>(&event)) {
            out = stream(*retrieve);
        } else if (const auto* update = std::get_if<Protocol::Update>(&event)) {
            auto done = maildrop_->update(update->expunge, update->seen, update->retrieved);
            out = handle(machine_.update_finished(done ? std::optional<std::size_t>(*done) : std::nullopt));
        } else if (const auto* close = std::get_if<Protocol::Close>(&event)) {
            closed = true;
            close_reason = close->reason;
            maildrop_.reset();
        }
        return machine_.take_output() + out;
    }

    Protocol::Event log_in(const Protocol::Login& request)
    {
        using mailroom::core::PasswordCheck;
        const auto it = test_users().find(request.user);
        mailroom::core::User user;
        user.name = request.user;
        user.password = it == test_users().end() ? "" : it->second;
        const PasswordCheck check = request.method == "APOP"
                                        ? mailroom::pop3::check_apop(user, timestamp_, request.secret)
                                        : mailroom::core::verify_password(user.password, request.secret);
        if (check != PasswordCheck::match || (!request.authzid.empty() && request.authzid != request.user))
            return machine_.login_failed(Protocol::LoginFailure::credentials);
        auto user_store = mailroom::mailstore::open_user_store(store_.location, {});
        REQUIRE(user_store);
        auto opened = mailroom::pop3::Maildrop::open(std::move(*user_store), format_, expire_days_, now);
        if (!opened)
            return machine_.login_failed(opened.error().is(mailroom::mailstore::Errc::in_use)
                                             ? Protocol::LoginFailure::in_use
                                             : Protocol::LoginFailure::temporary);
        maildrop_ = std::move(*opened);
        machine_.logged_in(request.user, maildrop_->messages());
        return Protocol::NeedMore{};
    }

    std::string stream(const Protocol::Retrieve& request)
    {
        auto content = maildrop_->open_content(request.uid);
        if (!content) {
            machine_.retrieve_started(content.error().is(mailroom::mailstore::Errc::expunged)
                                          ? Protocol::RetrieveStart::expunged
                                          : Protocol::RetrieveStart::failed);
            return machine_.take_output();
        }
        machine_.retrieve_started(Protocol::RetrieveStart::ok);
        std::string out = machine_.take_output();
        mailroom::pop3::MessageEncoder encoder(request.body_lines);
        std::string body;
        char buffer[7];
        for (std::uint64_t offset = 0;;) {
            auto n = (*content)->read(offset, buffer);
            REQUIRE(n);
            if (*n == 0 || !encoder.encode(std::string_view(buffer, *n), body))
                break;
            offset += *n;
        }
        const auto sent = body.size();
        encoder.finish(body);
        machine_.retrieve_finished(sent);
        return out + body;
    }

    StoreFixture& store_;
    std::string timestamp_;
    std::optional<unsigned> expire_days_;
    Protocol machine_;
    mailroom::pop3::UidlFormat format_;
    std::unique_ptr<mailroom::pop3::Maildrop> maildrop_;
    std::string pending_;
};
