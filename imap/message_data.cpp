// imap/message_data.cpp - lazily loaded message pieces (see message_data.hpp).
#include "imap/message_data.hpp"

#include "mailstore/message/mime_parser.hpp"
#include "mailstore/message/serialize.hpp"

#include <algorithm>

namespace mailroom::imap {

mailstore::Result<mailstore::MessageContent*> MessageData::content()
{
    if (!content_) {
        auto opened = view_.open_content(record_.uid);
        if (!opened)
            return opened.error();
        content_ = std::move(*opened);
    }
    return content_.get();
}

mailstore::Result<std::string_view> MessageData::bytes()
{
    if (!bytes_) {
        auto opened = content();
        if (!opened)
            return opened.error();
        auto data = (*opened)->read_all();
        if (!data)
            return data.error();
        bytes_ = std::move(*data);
    }
    return std::string_view(*bytes_);
}

mailstore::Result<const message::Part*> MessageData::tree()
{
    if (tree_)
        return &*tree_;
    if (auto cached = view_.cached(record_.uid, part_tree_cache_field))
        if (auto decoded = message::deserialize_part_tree(*cached))
            return &tree_.emplace(std::move(*decoded));
    auto data = bytes();
    if (!data)
        return data.error();
    tree_ = message::parse_message(*data);
    view_.cache(record_.uid, part_tree_cache_field, message::serialize_part_tree(*tree_));
    return &*tree_;
}

mailstore::Result<const message::HeaderBlock*> MessageData::header()
{
    if (header_)
        return &*header_;
    if (bytes_) {
        header_ = message::parse_header(*bytes_);
        return &*header_;
    }
    auto root = tree();
    if (!root)
        return root.error();
    if (bytes_) {   // tree() had to read the message
        header_ = message::parse_header(*bytes_);
        return &*header_;
    }
    auto data = read_range((*root)->header_offset, (*root)->header_size);
    if (!data)
        return data.error();
    header_bytes_ = std::move(*data);
    header_ = message::parse_header(*header_bytes_);
    return &*header_;
}

mailstore::Result<std::string> MessageData::read_range(std::uint64_t offset, std::uint64_t size)
{
    if (bytes_) {
        if (offset >= bytes_->size())
            return std::string();
        return bytes_->substr(offset, size);
    }
    auto opened = content();
    if (!opened)
        return opened.error();
    std::string out;
    const std::uint64_t end = std::min(offset + size, (*opened)->size());
    out.resize(end > offset ? end - offset : 0);
    std::size_t done = 0;
    while (done < out.size()) {
        auto n = (*opened)->read(offset + done, std::span<char>(out.data() + done, out.size() - done));
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        done += *n;
    }
    out.resize(done);
    return out;
}

mailstore::Result<std::string_view> MessageData::read_view(std::uint64_t offset, std::span<char> buffer)
{
    if (bytes_) {
        if (offset >= bytes_->size())
            return std::string_view();
        return std::string_view(*bytes_).substr(static_cast<std::size_t>(offset), buffer.size());
    }
    auto opened = content();
    if (!opened)
        return opened.error();
    const std::uint64_t size = (*opened)->size();
    if (offset >= size)
        return std::string_view();
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - offset));
    std::size_t done = 0;
    while (done < want) {
        auto n = (*opened)->read(offset + done, buffer.subspan(done, want - done));
        if (!n)
            return n.error();
        if (*n == 0)
            break;   // the file shrank under us
        done += *n;
    }
    return std::string_view(buffer.data(), done);
}

std::optional<std::uint64_t> range_virtual_size(const message::Part& part, std::uint64_t offset, std::uint64_t size)
{
    if (offset == part.header_offset && size == part.size())
        return part.virtual_size();
    if (offset == part.header_offset && size == part.header_size)
        return part.header_virtual_size;
    if (offset == part.body_offset && size == part.body_size)
        return part.body_virtual_size;
    for (const auto& child : part.children)
        if (offset >= child.header_offset && offset < child.body_offset + child.body_size + 1)
            if (auto found = range_virtual_size(child, offset, size))
                return found;
    return std::nullopt;
}

}  // namespace mailroom::imap
