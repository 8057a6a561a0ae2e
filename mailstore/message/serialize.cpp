// mailstore/message/serialize.cpp - binary encoding of the Part tree (see serialize.hpp;
// the field order below is the format, version part_tree_format_version).
#include "mailstore/message/serialize.hpp"

#include "mailstore/message/limits.hpp"

#include <cstdint>

namespace mailroom::message {

namespace {

constexpr std::string_view magic = "MRPT";
enum : unsigned char { flag_overflow = 1, flag_separator = 2, flag_envelope = 4 };

class Writer {
public:
    std::string out;

    void u8(unsigned char v) { out += static_cast<char>(v); }
    void num(std::uint64_t v)
    {
        while (v >= 0x80) {
            out += static_cast<char>((v & 0x7F) | 0x80);
            v >>= 7;
        }
        out += static_cast<char>(v);
    }
    void str(std::string_view s)
    {
        num(s.size());
        out.append(s);
    }
    void opt(const std::optional<std::string>& s)
    {
        u8(s ? 1 : 0);
        if (s)
            str(*s);
    }
    void params(const std::vector<MimeParam>& ps)
    {
        num(ps.size());
        for (const auto& p : ps) {
            str(p.name);
            str(p.value);
        }
    }
    void addresses(const std::vector<Address>& as)
    {
        num(as.size());
        for (const auto& a : as) {
            u8(static_cast<unsigned char>(static_cast<unsigned>(a.kind) | (a.invalid ? 0x80u : 0u)));
            opt(a.name);
            opt(a.route);
            str(a.mailbox);
            str(a.host);
        }
    }
    void part(const Part& p)
    {
        u8(static_cast<unsigned char>(p.kind));
        u8(static_cast<unsigned char>((p.overflow ? flag_overflow : 0) | (p.header_has_separator ? flag_separator : 0) |
                                      (p.envelope ? flag_envelope : 0)));
        for (std::uint64_t v : {p.header_offset, p.header_size, p.header_virtual_size, p.body_offset,
                                p.body_size, p.body_virtual_size, p.body_lines})
            num(v);
        const MimeFields& m = p.mime;
        for (const auto* s : {&m.type, &m.subtype, &m.id, &m.description, &m.transfer_encoding, &m.md5,
                              &m.location, &m.disposition})
            opt(*s);
        params(m.type_params);
        params(m.disposition_params);
        num(m.language.size());
        for (const auto& l : m.language)
            str(l);
        if (p.envelope) {
            const Envelope& e = *p.envelope;
            for (const auto* s : {&e.date, &e.subject, &e.in_reply_to, &e.message_id})
                opt(*s);
            for (const auto* l : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc})
                addresses(*l);
        }
        num(p.children.size());
        for (const auto& c : p.children)
            part(c);
    }
};

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}

    bool failed() const noexcept { return !error_.empty(); }
    const std::string& error() const noexcept { return error_; }
    std::size_t position() const noexcept { return pos_; }
    bool at_end() const noexcept { return pos_ == in_.size(); }

    void fail(const char* what)
    {
        if (error_.empty())
            error_ = std::string(what) + " at byte " + std::to_string(pos_);
    }
    unsigned char u8()
    {
        if (failed() || pos_ >= in_.size()) {
            fail("truncated");
            return 0;
        }
        return static_cast<unsigned char>(in_[pos_++]);
    }
    std::uint64_t num()
    {
        std::uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            const unsigned char b = u8();
            if (failed())
                return 0;
            if (shift == 63 && b > 1) {
                fail("number overflows 64 bits");
                return 0;
            }
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return v;
        }
        fail("number too long");
        return 0;
    }
    // A count of items that each take at least one byte: cannot exceed what is left,
    // nor `limit`. Items are then decoded one by one, so memory follows real input.
    std::uint64_t count(std::uint64_t limit = UINT64_MAX)
    {
        const std::uint64_t n = num();
        if (n > in_.size() - pos_ || n > limit)
            fail("count past the end or over a limit");
        return failed() ? 0 : n;
    }
    std::string str()
    {
        const std::uint64_t n = count();
        if (failed())
            return {};
        std::string s(in_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    std::optional<std::string> opt()
    {
        const unsigned char present = u8();
        if (present > 1)
            fail("bad optional marker");
        if (present != 1 || failed())
            return std::nullopt;
        return str();
    }
    std::vector<MimeParam> params()
    {
        std::vector<MimeParam> ps;
        for (std::uint64_t i = count(max_mime_params); i > 0 && !failed(); --i) {
            auto& p = ps.emplace_back();
            p.name = str();
            p.value = str();
        }
        return ps;
    }
    std::vector<Address> addresses()
    {
        std::vector<Address> as;
        for (std::uint64_t i = count(max_addresses); i > 0 && !failed(); --i) {
            auto& a = as.emplace_back();
            const unsigned char k = u8();
            if ((k & 0x7F) > static_cast<unsigned>(AddressKind::group_end))
                fail("bad address kind");
            a.kind = static_cast<AddressKind>(k & 0x7F);
            a.invalid = (k & 0x80) != 0;
            a.name = opt();
            a.route = opt();
            a.mailbox = str();
            a.host = str();
        }
        return as;
    }
    void part(Part& p, unsigned depth, unsigned& parts);

private:
    std::string_view in_;
    std::size_t pos_ = 0;
    std::string error_;
};

void Reader::part(Part& p, unsigned depth, unsigned& parts)
{
    if (depth >= max_nesting_depth + 1 || ++parts > max_total_parts) {
        fail("tree deeper or larger than the parser allows");
        return;
    }
    const unsigned char kind = u8();
    const unsigned char flags = u8();
    if (kind > static_cast<unsigned char>(PartKind::message) || flags > 7)
        fail("bad part kind or flags");
    p.kind = static_cast<PartKind>(kind);
    p.overflow = (flags & flag_overflow) != 0;
    p.header_has_separator = (flags & flag_separator) != 0;
    for (std::uint64_t* v : {&p.header_offset, &p.header_size, &p.header_virtual_size, &p.body_offset,
                             &p.body_size, &p.body_virtual_size, &p.body_lines})
        *v = num();
    // The parser's invariants: the body follows the header; nothing wraps around.
    if (p.header_offset + p.header_size != p.body_offset || p.body_offset < p.header_offset ||
        p.body_offset + p.body_size < p.body_offset)
        fail("inconsistent part ranges");
    MimeFields& m = p.mime;
    for (auto* s : {&m.type, &m.subtype, &m.id, &m.description, &m.transfer_encoding, &m.md5, &m.location,
                    &m.disposition})
        *s = opt();
    m.type_params = params();
    m.disposition_params = params();
    for (std::uint64_t i = count(max_mime_params); i > 0 && !failed(); --i)
        m.language.push_back(str());
    if ((flags & flag_envelope) != 0) {
        Envelope& e = p.envelope.emplace();
        for (auto* s : {&e.date, &e.subject, &e.in_reply_to, &e.message_id})
            *s = opt();
        for (auto* l : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc})
            *l = addresses();
    }
    const std::uint64_t n = count(max_total_parts);
    if (p.kind == PartKind::message && n != 1)
        fail("message part without exactly one child");
    std::uint64_t next = p.body_offset;
    for (std::uint64_t i = 0; i < n && !failed(); ++i) {
        Part& c = p.children.emplace_back();
        part(c, depth + 1, parts);
        if (c.header_offset < next || c.body_offset + c.body_size > p.body_offset + p.body_size)
            fail("child part outside its parent");
        next = c.body_offset + c.body_size;
    }
}

}  // namespace

std::string serialize_part_tree(const Part& root)
{
    Writer w;
    w.out.append(magic);
    w.u8(part_tree_format_version);
    w.part(root);
    return std::move(w.out);
}

std::optional<Part> deserialize_part_tree(std::string_view bytes, std::string* error)
{
    auto fail = [&](std::string what) -> std::optional<Part> {
        if (error != nullptr)
            *error = std::move(what);
        return std::nullopt;
    };
    if (bytes.size() < magic.size() + 1 || bytes.substr(0, magic.size()) != magic)
        return fail("not a part tree (bad magic)");
    if (static_cast<unsigned char>(bytes[magic.size()]) != part_tree_format_version)
        return fail("unsupported part tree version " + std::to_string(static_cast<unsigned char>(bytes[magic.size()])));
    Reader r(bytes.substr(magic.size() + 1));
    Part root;
    unsigned parts = 0;
    r.part(root, 0, parts);
    if (!r.failed() && !r.at_end())
        r.fail("trailing bytes");
    if (r.failed())
        return fail(r.error());
    return root;
}

}  // namespace mailroom::message
