// imap/cached_items.cpp - FETCH's rendered items and SEARCH's header values, cached per message
// (see cached_items.hpp).
#include "imap/cached_items.hpp"

#include "imap/render/body_structure.hpp"
#include "imap/render/envelope_render.hpp"
#include "mailstore/message/search_text.hpp"

#include <charconv>

namespace mailroom::imap {
namespace {

constexpr std::string_view rendered_fields[] = {"imap.envelope/1", "imap.body/1", "imap.bodystructure/1"};

std::string render(const message::Part& root, RenderedItem item)
{
    std::string out;
    switch (item) {
    case RenderedItem::envelope:
        append_envelope(out, root.envelope ? *root.envelope : message::Envelope{});
        break;
    case RenderedItem::body:
    case RenderedItem::body_structure:
        append_body_structure(out, root, item == RenderedItem::body_structure);
        break;
    }
    return out;
}

}  // namespace

mailstore::Result<std::string> rendered_item(MessageData& data, RenderedItem item)
{
    const std::string_view field = rendered_fields[static_cast<std::size_t>(item)];
    const mailstore::Uid uid = data.record().uid;
    if (auto cached = data.view().cached(uid, field))
        return std::move(*cached);
    auto root = data.tree();
    if (!root)
        return root.error();
    std::string text = render(**root, item);
    data.view().cache(uid, field, text);
    return text;
}

mailstore::Result<std::vector<std::string>> header_search_values(MessageData& data, std::string_view name)
{
    const std::string field = header_values_cache_field(name);
    const mailstore::Uid uid = data.record().uid;
    if (auto cached = data.view().cached(uid, field))
        if (auto values = decode_value_list(*cached))
            return std::move(*values);
    auto header = data.header();
    if (!header)
        return header.error();
    std::vector<std::string> values;
    for (const auto* found : (*header)->find_all(name))
        values.push_back(message::header_search_text(*found));
    data.view().cache(uid, field, encode_value_list(values));
    return values;
}

std::string header_values_cache_field(std::string_view name)
{
    std::string field = "search.header/1/";
    for (char c : name)
        field += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return field;
}

// "<decimal length>:<bytes>" for each value.
std::string encode_value_list(const std::vector<std::string>& values)
{
    std::string out;
    for (const auto& value : values) {
        out += std::to_string(value.size());
        out += ':';
        out += value;
    }
    return out;
}

std::optional<std::vector<std::string>> decode_value_list(std::string_view encoded)
{
    std::vector<std::string> values;
    while (!encoded.empty()) {
        std::size_t length = 0;
        const auto [end, error] = std::from_chars(encoded.data(), encoded.data() + encoded.size(), length);
        if (error != std::errc() || end == encoded.data() || end == encoded.data() + encoded.size() || *end != ':')
            return std::nullopt;
        encoded.remove_prefix(static_cast<std::size_t>(end - encoded.data()) + 1);
        if (length > encoded.size())
            return std::nullopt;
        values.emplace_back(encoded.substr(0, length));
        encoded.remove_prefix(length);
    }
    return values;
}

}  // namespace mailroom::imap
