// mailstore/message/mime_parser.cpp - one-pass MIME structure parser (RFC 2046 §5.1.1
// boundaries, §5.1.5 digest, §5.2.1 encapsulated messages; RFC 2045 §5.2 defaults).
#include "mailstore/message/mime_parser.hpp"

#include "mailstore/message/line_ends.hpp"

#include <cstring>
#include <string>

namespace mailroom::message {

namespace {

// Where a part stopped: `cut` is the end of its bytes; `line` the boundary line that
// stopped it (npos at the end of the message) and `index` that boundary in the stack.
struct Stop {
    std::size_t cut = 0;
    std::size_t line = std::string_view::npos;
    std::size_t index = 0;
};

struct Context {
    unsigned depth = 0;
    bool in_multipart = false;  // the parent is a multipart: the part is MIME by default
    bool in_digest = false;     // RFC 2046 §5.1.5: default type message/rfc822
    bool is_message = false;    // the root or an encapsulated message: needs an envelope
};

class MimeParser {
public:
    MimeParser(std::string_view m, const ParseLimits& limits) : m_(m), limits_(limits) {}

    Part run()
    {
        Part root;
        parts_ = 1;
        parse_part(root, 0, Context{0, false, false, true});
        return root;
    }

private:
    std::size_t next_line(std::size_t pos) const noexcept
    {
        const void* lf = std::memchr(m_.data() + pos, '\n', m_.size() - pos);
        return lf == nullptr ? m_.size() : static_cast<std::size_t>(static_cast<const char*>(lf) - m_.data()) + 1;
    }

    // Index+1 of the boundary the line at `pos` starts, 0 if none.
    std::size_t boundary_at(std::size_t pos) const noexcept
    {
        if (stack_.empty() || m_.size() - pos < 2 || m_[pos] != '-' || m_[pos + 1] != '-')
            return 0;
        const std::string_view rest = m_.substr(pos + 2);
        std::size_t best = 0, best_len = 0;
        for (std::size_t i = stack_.size(); i-- > 0;) {
            const std::string& b = stack_[i];
            if (rest.size() >= b.size() && std::memcmp(rest.data(), b.data(), b.size()) == 0 &&
                (best == 0 || b.size() > best_len)) {
                best = i + 1;
                best_len = b.size();
            }
        }
        return best;
    }

    // The end of the bytes before the boundary line at `line`: its preceding line end
    // belongs to the boundary (never cutting below `floor`).
    std::size_t cut_before(std::size_t line, std::size_t floor) const noexcept
    {
        std::size_t c = line;
        if (c > floor && m_[c - 1] == '\n') {
            --c;
            if (c > floor && m_[c - 1] == '\r')
                --c;
        }
        return c;
    }

    Stop find_boundary(std::size_t pos, std::size_t floor) const noexcept
    {
        while (pos < m_.size()) {
            if (const std::size_t b = boundary_at(pos))
                return Stop{cut_before(pos, floor), pos, b - 1};
            pos = next_line(pos);
        }
        return Stop{m_.size(), std::string_view::npos, 0};
    }

    // End of the header that starts at `start`: after its blank line, or at the end of
    // the message, or cut before a boundary line (then `stop` is set).
    std::size_t header_end(std::size_t start, Stop& stop, bool& cut) const noexcept
    {
        std::size_t pos = start;
        while (pos < m_.size()) {
            if (const std::size_t b = boundary_at(pos)) {
                stop = Stop{cut_before(pos, start), pos, b - 1};
                cut = true;
                return stop.cut;
            }
            const char c = m_[pos];
            const std::size_t next = next_line(pos);
            if (c == '\n' || (c == '\r' && pos + 1 < m_.size() && m_[pos + 1] == '\n'))
                return next;
            pos = next;
        }
        return m_.size();
    }

    bool may_nest(unsigned depth) const noexcept
    {
        return depth + 1 < limits_.nesting_depth && parts_ < limits_.total_parts;
    }

    void classify(Part& part, const HeaderBlock& header, const Context& ctx)
    {
        if (declares_mime(header) || ctx.in_multipart)
            part.mime = parse_mime_fields(header);
        if (ctx.is_message)
            part.envelope = parse_envelope(header);
        const MimeFields& m = part.mime;
        if (m.type_is("multipart") && m.subtype && !m.subtype->empty())
            part.kind = PartKind::multipart;
        else if (m.type_is("message") && (iequals(*m.subtype, "rfc822") || iequals(*m.subtype, "global")))
            part.kind = PartKind::message;
        else if (!m.type && ctx.in_digest)
            part.kind = PartKind::message;
        if (part.kind != PartKind::single && !may_nest(ctx.depth))
            part.overflow = true;
        if (part.overflow)
            part.kind = PartKind::single;
    }

    Stop parse_multipart_body(Part& part, std::size_t start, std::size_t body, const Context& ctx)
    {
        const MimeParam* boundary = find_param(part.mime.type_params, "boundary");
        if (boundary == nullptr)  // nothing to split on: a multipart without parts
            return find_boundary(body, start);
        stack_.push_back(boundary->value);
        const std::size_t mine = stack_.size() - 1;
        const bool digest = iequals(*part.mime.subtype, "digest");
        Stop stop = find_boundary(body, start);
        while (stop.line != std::string_view::npos && stop.index == mine) {
            const std::size_t after = stop.line + 2 + stack_[mine].size();
            const bool close = m_.substr(after).starts_with("--");
            const std::size_t child_start = next_line(stop.line);
            if (close || parts_ >= limits_.total_parts) {
                // Epilogue (or too many parts): up to an outer boundary or the end.
                stack_.pop_back();
                return find_boundary(child_start, child_start);
            }
            part.children.emplace_back();
            ++parts_;
            stop = parse_part(part.children.back(), child_start, Context{ctx.depth + 1, true, digest, false});
        }
        stack_.pop_back();
        return stop;
    }

    Stop parse_part(Part& part, std::size_t start, const Context& ctx)
    {
        Stop stop;
        bool cut = false;
        const std::size_t hdr_end = header_end(start, stop, cut);
        const HeaderBlock header = parse_header(m_, start, hdr_end, limits_);
        part.header_has_separator = header.has_separator;
        classify(part, header, ctx);
        std::size_t body = hdr_end;
        if (!cut) {
            if (part.kind == PartKind::multipart) {
                stop = parse_multipart_body(part, start, body, ctx);
            } else if (part.kind == PartKind::message) {
                part.children.emplace_back();
                ++parts_;
                stop = parse_part(part.children.back(), body, Context{ctx.depth + 1, false, false, true});
            } else {
                stop = find_boundary(body, start);
            }
        } else if (part.kind == PartKind::message) {
            part.children.emplace_back();  // an empty encapsulated message
            ++parts_;
            finish(part.children.back(), stop.cut, stop.cut, stop.cut);
            part.children.back().envelope.emplace();
        }
        if (stop.cut < body) {  // the header's blank line was the boundary's line end
            body = stop.cut;
            part.header_has_separator = false;
        }
        finish(part, start, body, stop.cut);
        return stop;
    }

    void finish(Part& part, std::size_t start, std::size_t body, std::size_t end) const
    {
        part.header_offset = start;
        part.header_size = body - start;
        part.header_virtual_size = count_lines(m_.substr(start, body - start), start > 0 ? m_[start - 1] : 0).virtual_size;
        part.body_offset = body;
        part.body_size = end - body;
        const LineStats s = count_lines(m_.substr(body, end - body), body > 0 ? m_[body - 1] : 0);
        part.body_virtual_size = s.virtual_size;
        part.body_lines = s.lines;
    }

    std::string_view m_;
    const ParseLimits& limits_;
    unsigned parts_ = 0;
    std::vector<std::string> stack_;  // active boundaries, innermost last
};

}  // namespace

Part parse_message(std::string_view message, const ParseLimits& limits)
{
    return MimeParser(message, limits).run();
}

}  // namespace mailroom::message
