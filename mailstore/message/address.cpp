// mailstore/message/address.cpp - address-list parsing (RFC 5322 §3.4, §4.4) with the
// error recovery of Dovecot's message-address.c, so ENVELOPE output matches it.
#include "mailstore/message/address.hpp"

#include "mailstore/message/encoded_words.hpp"
#include "mailstore/message/limits.hpp"
#include "mailstore/message/rfc822_lexer.hpp"

namespace mailroom::message {

namespace {

// The address being built; nullopt fields are "not seen" (Dovecot's NULL).
struct Pending {
    std::optional<std::string> name, route, mailbox, host;
    bool invalid = false;
};

class AddressParser {
public:
    AddressParser(std::string_view value, bool fill) : lex_(value), fill_(fill) {}

    std::vector<Address> run()
    {
        if (lex_.skip_cfws() > 0)
            parse_list();
        return std::move(out_);
    }

private:
    void push(AddressKind kind)
    {
        Address a;
        a.kind = kind;
        a.name = std::move(cur_.name);
        a.route = std::move(cur_.route);
        a.mailbox = cur_.mailbox.value_or("");
        a.host = cur_.host.value_or("");
        a.invalid = cur_.invalid;
        if (a.name && a.name->empty())
            a.name.reset();
        cur_ = {};
        if (out_.size() < max_addresses)
            out_.push_back(std::move(a));
    }

    void push_fixed()
    {
        if (!cur_.mailbox) {
            cur_.mailbox = fill_ ? std::string(missing_mailbox) : std::string();
            cur_.invalid = true;
        }
        if (!cur_.host || cur_.host->empty()) {
            cur_.host = fill_ ? std::string(missing_domain) : std::string();
            cur_.invalid = true;
        }
        push(AddressKind::mailbox);
    }

    int parse_local_part()
    {
        str_.clear();
        const int ret = lex_.peek() == '"' ? lex_.parse_quoted_string(str_) : lex_.parse_dot_atom(str_);
        if (ret < 0)
            return -1;
        cur_.mailbox = str_;
        return ret;
    }

    int parse_domain()
    {
        str_.clear();
        const int ret = lex_.parse_domain(str_);
        if (ret < 0)
            return -1;
        cur_.host = str_;
        return ret;
    }

    int parse_domain_list()
    {
        // obs-domain-list = "@" domain *(*(CFWS / ",") [CFWS] "@" domain)
        str_.clear();
        for (;;) {
            if (lex_.at_end())
                return 0;
            if (lex_.peek() != '@')
                break;
            if (!str_.empty())
                str_ += ',';
            str_ += '@';
            const int ret = lex_.parse_domain(str_);
            if (ret <= 0)
                return ret;
            while (lex_.skip_cfws() > 0 && lex_.peek() == ',')
                lex_.advance();
        }
        cur_.route = str_;
        return 1;
    }

    int parse_angle_addr()
    {
        lex_.advance();  // '<'
        if (lex_.skip_cfws() <= 0)
            return -1;
        if (lex_.peek() == '@') {
            if (parse_domain_list() > 0 && lex_.peek() == ':') {
                lex_.advance();
            } else {
                if (fill_)
                    cur_.route = std::string(invalid_route);
                if (lex_.at_end())
                    return -1;
            }
            if (lex_.skip_cfws() <= 0)
                return -1;
        }
        if (lex_.peek() != '>') {  // "<>" is no address but is not a syntax error here
            if (parse_local_part() <= 0)
                return -1;
            if (lex_.peek() == '@' && parse_domain() <= 0)
                return -1;
        }
        if (lex_.peek() != '>')
            return -1;
        lex_.advance();
        return lex_.skip_cfws();
    }

    int parse_name_addr()
    {
        str_.clear();
        if (lex_.parse_phrase(str_) <= 0 || lex_.peek() != '<')
            return -1;
        cur_.name = str_;
        if (parse_angle_addr() < 0) {
            if (fill_)
                cur_.host = std::string(syntax_error_domain);
            cur_.invalid = true;
        }
        return lex_.at_end() ? 0 : 1;
    }

    int parse_addr_spec()
    {
        lex_.clear_last_comment();
        const bool quoted = lex_.peek() == '"';
        int ret = parse_local_part();
        if (ret <= 0)
            cur_.invalid = true;
        int ret2 = -2;
        if (ret != 0 && !lex_.at_end() && lex_.peek() == '@') {
            ret2 = parse_domain();
            if (ret2 <= 0)
                ret = ret2;
        }
        if (!lex_.last_comment().empty()) {
            cur_.name = lex_.last_comment();
        } else if (ret2 == -2) {
            // "user" alone is a mailbox without a domain; "user more words" is a name.
            str_ += ' ';
            const std::size_t before = str_.size();
            lex_.parse_phrase(str_);
            if (str_.size() != before) {
                cur_.mailbox.reset();
                cur_.name = str_;
            } else if (!quoted) {
                cur_.host = std::string();
            }
            cur_.invalid = true;
            ret = -1;
        }
        return ret;
    }

    int parse_mailbox()
    {
        const std::size_t start = lex_.position();
        int ret = parse_name_addr();
        if (ret < 0) {
            lex_.seek(start);
            cur_ = {};
            ret = parse_addr_spec();
            if (cur_.invalid && !cur_.name && cur_.mailbox && !cur_.host) {
                cur_.name = std::move(cur_.mailbox);
                cur_.mailbox.reset();
            }
        }
        if (ret < 0)
            cur_.invalid = true;
        push_fixed();
        return ret;
    }

    int parse_group()
    {
        str_.clear();
        if (lex_.parse_phrase(str_) <= 0 || lex_.peek() != ':')
            return -1;
        // From here on this is a group, whatever follows.
        lex_.advance();
        int ret = lex_.skip_cfws();
        if (ret <= 0)
            cur_.invalid = true;
        cur_.mailbox = str_;
        push(AddressKind::group_start);
        if (ret > 0 && lex_.peek() != ';') {
            for (;;) {
                parse_mailbox();  // a broken member does not end the group
                if (lex_.at_end() || lex_.peek() != ',')
                    break;
                lex_.advance();
                if (lex_.skip_cfws() <= 0) {
                    ret = -1;
                    break;
                }
            }
        }
        if (ret >= 0) {
            if (lex_.at_end() || lex_.peek() != ';') {
                ret = -1;
            } else {
                lex_.advance();
                ret = lex_.skip_cfws();
            }
        }
        if (ret < 0)
            cur_.invalid = true;
        push(AddressKind::group_end);
        return ret == 0 ? 0 : 1;
    }

    int parse_address()
    {
        const std::size_t start = lex_.position();
        int ret = parse_group();
        if (ret < 0) {
            lex_.seek(start);
            cur_ = {};
            ret = parse_mailbox();
        }
        return ret;
    }

    void parse_list()
    {
        while (out_.size() < max_addresses) {
            if (parse_address() == 0)
                break;
            if (lex_.at_end() || lex_.peek() != ',')
                break;
            lex_.advance();
            const int ret = lex_.skip_cfws();
            if (ret <= 0) {
                if (ret < 0)
                    push_fixed();  // ends with garbage
                break;
            }
        }
    }

    Rfc822Lexer lex_;
    bool fill_;
    Pending cur_;
    std::string str_;
    std::vector<Address> out_;
};

}  // namespace

std::vector<Address> parse_address_list(std::string_view value, bool fill_missing)
{
    return AddressParser(value, fill_missing).run();
}

std::string decoded_display_name(const Address& address)
{
    return address.name ? decode_header_text(*address.name) : std::string();
}

}  // namespace mailroom::message
