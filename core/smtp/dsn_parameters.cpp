// core/smtp/dsn_parameters.cpp - RFC 3461 parameters and xtext (see dsn_parameters.hpp).
#include "core/smtp/dsn_parameters.hpp"

#include "core/util/strings.hpp"

namespace mailroom::core::smtp {
namespace {

bool is_xchar(char c) { return c >= '!' && c <= '~' && c != '+' && c != '='; }

int upper_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;   // RFC 3461 section 4: "two upper case hexadecimal digits"
}

// Printable US-ASCII, space included: what a DSN's header fields can carry (RFC 3461 4.2 for
// ORCPT; Postfix's smtpd applies the same test to ENVID).
bool printable(std::string_view text)
{
    for (const char c : text)
        if (c < ' ' || c > '~')
            return false;
    return true;
}

// RFC 5321 atext (section 4.1.2 Atom), for ORCPT's addr-type.
bool is_atom(std::string_view text)
{
    if (text.empty())
        return false;
    for (const char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

constexpr struct {
    NotifyBits bit;
    std::string_view name;
} notify_names[] = {{notify_success, "SUCCESS"}, {notify_failure, "FAILURE"}, {notify_delay, "DELAY"}};

}  // namespace

std::optional<std::string> xtext_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = upper_hex_value(text[i + 1]);
            const int low = upper_hex_value(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (is_xchar(c)) {
            out += c;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::string xtext_encode(std::string_view bytes)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : bytes) {
        if (is_xchar(c)) {
            out += c;
            continue;
        }
        const auto octet = static_cast<unsigned char>(c);
        out += '+';
        out += hex[octet >> 4];
        out += hex[octet & 0x0f];
    }
    return out;
}

std::optional<unsigned> parse_notify(std::string_view value)
{
    if (core::iequals(value, "NEVER"))
        return notify_never;
    unsigned bits = 0;
    if (value.empty())
        return std::nullopt;
    for (const auto item : core::split_fields(value, ',')) {
        unsigned bit = 0;
        for (const auto& known : notify_names)
            if (core::iequals(item, known.name))
                bit = known.bit;
        if (bit == 0 || (bits & bit) != 0)   // unknown, empty, NEVER in a list, or twice
            return std::nullopt;
        bits |= bit;
    }
    return bits;
}

std::string notify_text(unsigned bits)
{
    if (bits & notify_never)
        return "NEVER";
    std::string out;
    for (const auto& known : notify_names)
        if (bits & known.bit)
            out += (out.empty() ? "" : ",") + std::string(known.name);
    return out;
}

std::optional<std::string> take_mail_parameter(MailDsn& dsn, std::string_view keyword, std::string_view value)
{
    if (keyword == "RET") {
        if (dsn.ret != DsnReturn::unspecified)
            return "Error: too many RET parameters";
        if (core::iequals(value, "FULL"))
            dsn.ret = DsnReturn::full;
        else if (core::iequals(value, "HDRS"))
            dsn.ret = DsnReturn::headers;
        else
            return "Error: Bad RET parameter syntax (RET=FULL or RET=HDRS)";
        return std::string();
    }
    if (keyword == "ENVID") {
        if (!dsn.envid.empty())
            return "Error: too many ENVID parameters";
        if (value.size() > envid_max)
            return "Error: ENVID parameter longer than " + std::to_string(envid_max) + " characters";
        const auto decoded = xtext_decode(value);
        if (!decoded || decoded->empty() || !printable(*decoded))
            return "Error: Bad ENVID parameter syntax (xtext of printable US-ASCII)";
        dsn.envid = *decoded;
        return std::string();
    }
    return std::nullopt;
}

std::optional<std::string> take_rcpt_parameter(RcptDsn& dsn, std::string_view keyword, std::string_view value)
{
    if (keyword == "NOTIFY") {
        if (dsn.notify != 0)
            return "Error: too many NOTIFY parameters";
        const auto bits = parse_notify(value);
        if (!bits)
            return "Error: Bad NOTIFY parameter syntax (NEVER, or a list of SUCCESS, FAILURE, DELAY)";
        dsn.notify = *bits;
        return std::string();
    }
    if (keyword == "ORCPT") {
        if (!dsn.orcpt_type.empty())
            return "Error: too many ORCPT parameters";
        if (value.size() > orcpt_max)
            return "Error: ORCPT parameter longer than " + std::to_string(orcpt_max) + " characters";
        const auto semicolon = value.find(';');
        const std::string_view type = value.substr(0, semicolon);
        const auto address = semicolon == std::string_view::npos ? std::nullopt : xtext_decode(value.substr(semicolon + 1));
        if (!is_atom(type) || !address || address->empty() || !printable(*address))
            return "Error: Bad ORCPT parameter syntax (addr-type;xtext)";
        dsn.orcpt_type = type;
        dsn.orcpt = *address;
        return std::string();
    }
    return std::nullopt;
}

std::string mail_parameters(const MailDsn& dsn)
{
    std::string out;
    if (dsn.ret != DsnReturn::unspecified)
        out += dsn.ret == DsnReturn::full ? " RET=FULL" : " RET=HDRS";
    if (!dsn.envid.empty())
        out += " ENVID=" + xtext_encode(dsn.envid);
    return out;
}

std::string rcpt_parameters(const RcptDsn& dsn)
{
    std::string out;
    if (dsn.notify != 0)
        out += " NOTIFY=" + notify_text(dsn.notify);
    if (!dsn.orcpt_type.empty())
        out += " ORCPT=" + dsn.orcpt_type + ";" + xtext_encode(dsn.orcpt);
    return out;
}

}  // namespace mailroom::core::smtp
