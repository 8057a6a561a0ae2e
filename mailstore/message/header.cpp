// mailstore/message/header.cpp - one-pass header block parser (RFC 5322 §2.2, §2.2.3, §4.5).
#include "mailstore/message/header.hpp"

#include <cstring>

namespace mailroom::message {

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        unsigned char x = static_cast<unsigned char>(a[i]);
        unsigned char y = static_cast<unsigned char>(b[i]);
        if (x >= 'A' && x <= 'Z')
            x = static_cast<unsigned char>(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = static_cast<unsigned char>(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

const HeaderField* HeaderBlock::find_first(std::string_view name) const noexcept
{
    for (const auto& f : fields)
        if (f.has_colon && iequals(f.name, name))
            return &f;
    return nullptr;
}

const HeaderField* HeaderBlock::find_last(std::string_view name) const noexcept
{
    for (auto it = fields.rbegin(); it != fields.rend(); ++it)
        if (it->has_colon && iequals(it->name, name))
            return &*it;
    return nullptr;
}

std::vector<const HeaderField*> HeaderBlock::find_all(std::string_view name) const
{
    std::vector<const HeaderField*> out;
    for (const auto& f : fields)
        if (f.has_colon && iequals(f.name, name))
            out.push_back(&f);
    return out;
}

namespace {

// End of the line that starts at `pos` (index after its LF, or `end`).
std::size_t line_end(std::string_view m, std::size_t pos, std::size_t end) noexcept
{
    const void* lf = std::memchr(m.data() + pos, '\n', end - pos);
    return lf == nullptr ? end : static_cast<std::size_t>(static_cast<const char*>(lf) - m.data()) + 1;
}

bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

// Fills name/value/has_colon of a field whose raw bytes are known.
void split_field(HeaderField& f)
{
    std::string_view raw = f.raw;
    std::size_t content = raw.size();
    if (content > 0 && raw[content - 1] == '\n') {
        --content;
        if (content > 0 && raw[content - 1] == '\r')
            --content;
    }
    const std::string_view line = raw.substr(0, content);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        f.has_colon = false;
        f.name = line;
        f.value = {};
        return;
    }
    std::size_t name_end = colon;
    while (name_end > 0 && is_wsp(line[name_end - 1]))
        --name_end;
    f.name = line.substr(0, name_end);
    std::size_t v = colon + 1;
    while (v < line.size() && is_wsp(line[v]))
        ++v;
    f.value = line.substr(v);
}

}  // namespace

HeaderBlock parse_header(std::string_view message, std::size_t begin, std::size_t end,
                         const ParseLimits& limits)
{
    HeaderBlock block;
    block.offset = begin;
    std::size_t pos = begin;
    std::size_t field_start = std::string_view::npos;
    std::size_t kept_bytes = 0;

    auto close_field = [&](std::size_t field_end) {
        if (field_start == std::string_view::npos)
            return;
        const std::size_t len = field_end - field_start;
        if (block.fields.size() >= limits.header_fields || kept_bytes + len > limits.header_bytes) {
            block.truncated = true;
        } else {
            HeaderField f;
            f.offset = field_start;
            f.raw = message.substr(field_start, len);
            split_field(f);
            block.fields.push_back(f);
            kept_bytes += len;
        }
        field_start = std::string_view::npos;
    };

    while (pos < end) {
        const std::size_t next = line_end(message, pos, end);
        const char c = message[pos];
        const bool blank = c == '\n' || (c == '\r' && pos + 1 < end && message[pos + 1] == '\n');
        if (blank) {
            close_field(pos);
            block.has_separator = true;
            pos = next;
            break;
        }
        // A continuation line joins the open field; a leading one with nothing open
        // becomes a field of its own (without a name).
        if (!(is_wsp(c) && field_start != std::string_view::npos)) {
            close_field(pos);
            field_start = pos;
        }
        pos = next;
    }
    close_field(pos);
    block.size = pos - begin;
    return block;
}

namespace {

std::string copy_value(std::string_view value, bool keep_lf, bool replace_nul)
{
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\n') {
            if (keep_lf)
                out += c;
            continue;
        }
        if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n')
            continue;
        if (c == '\0' && replace_nul)
            out += "\xEF\xBF\xBD";
        else
            out += c;
    }
    return out;
}

}  // namespace

std::string unfold(std::string_view value, bool replace_nul)
{
    return copy_value(value, false, replace_nul);
}

std::string normalize_line_ends(std::string_view value, bool replace_nul)
{
    return copy_value(value, true, replace_nul);
}

}  // namespace mailroom::message
