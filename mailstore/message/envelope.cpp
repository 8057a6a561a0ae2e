// mailstore/message/envelope.cpp - collects Date, Subject, From, Sender, Reply-To, To, Cc,
// Bcc, In-Reply-To and Message-ID (RFC 3501 §7.4.2 ENVELOPE) from a header block.
#include "mailstore/message/envelope.hpp"

#include "mailstore/message/limits.hpp"

namespace mailroom::message {

Envelope parse_envelope(const HeaderBlock& header)
{
    Envelope env;
    struct StringField { std::string_view name; std::optional<std::string> Envelope::*member; };
    struct AddressField { std::string_view name; std::vector<Address> Envelope::*member; };
    static constexpr StringField strings[] = {
        {"Date", &Envelope::date}, {"Subject", &Envelope::subject},
        {"In-Reply-To", &Envelope::in_reply_to}, {"Message-ID", &Envelope::message_id},
    };
    static constexpr AddressField addresses[] = {
        {"From", &Envelope::from}, {"Sender", &Envelope::sender}, {"Reply-To", &Envelope::reply_to},
        {"To", &Envelope::to}, {"Cc", &Envelope::cc}, {"Bcc", &Envelope::bcc},
    };
    for (const auto& f : header.fields) {
        if (!f.has_colon)
            continue;
        for (const auto& s : strings)
            if (iequals(f.name, s.name))
                env.*s.member = normalize_line_ends(f.value, true);
        for (const auto& a : addresses) {
            if (!iequals(f.name, a.name))
                continue;
            auto parsed = parse_address_list(f.value);
            auto& list = env.*a.member;
            for (auto& addr : parsed)
                if (list.size() < max_addresses)  // repeated fields are capped together
                    list.push_back(std::move(addr));
        }
    }
    return env;
}

}  // namespace mailroom::message
