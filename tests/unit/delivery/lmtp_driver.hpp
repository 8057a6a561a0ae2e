// tests/unit/delivery/lmtp_driver.hpp - runs a client transcript through the sans-I/O LMTP
// machine in pieces of a given size, answering its events like a session would: recipients
// starting with "bad" are unknown (550 5.1.1), those starting with "full" fail delivery
// (452 4.2.2), everyone else gets 250.
#pragma once
#include "core/smtp/server_protocol.hpp"

#include <string>
#include <string_view>
#include <vector>

struct Transcript {
    std::string output;                   // every reply, in order
    std::vector<std::string> messages;    // the content of each completed message
    std::vector<std::string> verified;    // addresses the machine asked about
    int discards = 0;
    bool closed = false;
};

inline mailroom::core::smtp::ProtocolSettings test_settings(std::uint64_t size_limit = 1000,
                                                                std::size_t recipient_limit = 5)
{
    mailroom::core::smtp::ProtocolSettings settings;
    settings.host_name = "lmtp.example.com";
    settings.message_size_limit = size_limit;
    settings.recipient_limit = recipient_limit;
    return settings;
}

// `piece` = 0 feeds everything at once.
inline Transcript run_lmtp(std::string_view input, std::size_t piece,
                           mailroom::core::smtp::ProtocolSettings settings = test_settings())
{
    using mailroom::core::smtp::Status;
    using P = mailroom::core::smtp::Protocol;
    P machine(std::move(settings));
    Transcript t;
    std::string current;
    std::string pending;
    const auto handle = [&](const P::Event& event) {
        if (const auto* v = std::get_if<P::VerifyRecipient>(&event)) {
            t.verified.push_back(v->address);
            machine.recipient_verified(v->address.starts_with("bad") ? Status::make("5.1.1", "unknown user")
                                                                      : Status{250, "2.1.5", "OK"});
        } else if (const auto* d = std::get_if<P::MessageData>(&event)) {
            current.append(d->bytes);
        } else if (std::holds_alternative<P::MessageDiscard>(event)) {
            current.clear();
            ++t.discards;
        } else if (std::holds_alternative<P::MessageEnd>(event)) {
            t.messages.push_back(current);
            current.clear();
            for (const auto& r : std::vector<std::string>(machine.recipients()))
                machine.recipient_delivered(r.starts_with("full") ? Status::make("4.2.2", "mailbox full")
                                                                   : Status::sent("delivered"));
        } else if (std::holds_alternative<P::Close>(event)) {
            t.closed = true;
        }
        t.output += machine.take_output();
    };
    const std::size_t step = piece == 0 ? std::max<std::size_t>(input.size(), 1) : piece;
    for (std::size_t pos = 0; pos < input.size() && !t.closed; pos += step) {
        pending.append(input.substr(pos, step));
        for (;;) {
            std::size_t used = 0;
            const auto event = machine.feed(pending, used);
            pending.erase(0, used);
            handle(event);
            if (t.closed || (std::holds_alternative<P::NeedMore>(event) && (pending.empty() || used == 0)))
                break;
        }
    }
    return t;
}

// Checks that feeding byte by byte, in odd pieces and all at once gives the same transcript.
inline Transcript run_lmtp_every_way(std::string_view input,
                                     mailroom::core::smtp::ProtocolSettings settings = test_settings())
{
    const Transcript whole = run_lmtp(input, 0, settings);
    for (const std::size_t piece : {1, 2, 3, 7, 64}) {
        const Transcript split = run_lmtp(input, piece, settings);
        if (split.output != whole.output || split.messages != whole.messages || split.verified != whole.verified ||
            split.closed != whole.closed)
            return Transcript{"MISMATCH at piece " + std::to_string(piece) + ":\n" + split.output, {}, {}, 0, false};
    }
    return whole;
}
