// imap/fetch_body.cpp - section data for FETCH (see fetch_body.hpp).
#include "imap/fetch_body.hpp"

#include "imap/crlf_copy.hpp"
#include "imap/reply.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

constexpr std::size_t read_chunk = ReadBuffer::size;
// pump() reads while the reply is below its budget: one read's CRLF form (at most twice its
// size) goes past it.
static_assert(2 * ReadBuffer::size + 4096 <= Continuation::overshoot);

std::uint64_t partial_size(const BodySection& section, std::uint64_t total)
{
    if (!section.origin)
        return total;
    if (*section.origin >= total)
        return 0;
    return std::min(section.length, total - *section.origin);
}

// CRLF size of a range the tree does not describe: count it.
mailstore::Result<std::uint64_t> count_virtual(MessageData& data, std::uint64_t offset, std::uint64_t size, char prev)
{
    std::uint64_t total = 0;
    for (std::uint64_t done = 0; done < size;) {
        auto chunk = data.read_range(offset + done, std::min<std::uint64_t>(read_chunk, size - done));
        if (!chunk)
            return chunk.error();
        if (chunk->empty())
            break;
        total += message::count_lines(*chunk, prev).virtual_size;
        prev = chunk->back();
        done += chunk->size();
    }
    return total;
}

}  // namespace

bool BodyLiteral::reads_once(const mailstore::MessageRecord& record)
{
    return record.virtual_size == 0 && record.size <= ReadBuffer::size;
}

mailstore::Result<BodyLiteral> BodyLiteral::prepare(MessageData& data, const BodySection& section, ReadBuffer& buffer)
{
    BodyLiteral literal;
    const std::uint64_t window = section.origin ? section.length : message::CrlfConverter::unlimited;
    if (section.whole) {
        auto content = data.content();
        if (!content)
            return content.error();
        const std::uint64_t stored = (*content)->size();
        std::uint64_t total = 0;
        if (data.record().virtual_size == 0 && stored <= ReadBuffer::size) {
            // The index does not know the CRLF size (a file named without W=): rather than
            // the view reading the message to count it and then pump() reading it again, it
            // is read once here, counted, and kept in the buffer for pump().
            auto bytes = data.read_view(0, buffer.get().first(static_cast<std::size_t>(stored)));
            if (!bytes)
                return bytes.error();
            total = message::count_lines(*bytes).virtual_size;
            if (bytes->data() == buffer.get().data())
                literal.preloaded_ = bytes->size();
        } else {
            auto known = data.virtual_size();
            if (!known)
                return known.error();
            total = *known;
        }
        literal.streamed_ = true;
        literal.end_ = stored;
        literal.size_ = partial_size(section, total);
        literal.windowed_ = section.origin.has_value();
        literal.converter_ = message::CrlfConverter(section.origin.value_or(0), window);
        literal.remaining_ = literal.size_;
        return literal;
    }
    auto root = data.tree();
    if (!root)
        return root.error();
    const auto range = message::resolve_section(**root, section.spec);
    if (!range)
        return literal;
    if (range->filter != message::SectionText::none) {
        auto header = data.read_range(range->offset, range->size);
        if (!header)
            return header.error();
        const std::string filtered = message::filter_header_fields(*header, range->filter, section.spec.fields);
        message::CrlfConverter converter(section.origin.value_or(0), window);
        converter.feed(filtered, literal.inline_);
        literal.size_ = literal.remaining_ = literal.inline_.size();
        return literal;
    }
    char prev = 0;
    if (range->offset > 0) {
        auto before = data.read_range(range->offset - 1, 1);
        if (!before)
            return before.error();
        prev = before->empty() ? 0 : before->front();
    }
    std::uint64_t total = 0;
    if (auto known = range_virtual_size(**root, range->offset, range->size)) {
        total = *known;
    } else {
        auto counted = count_virtual(data, range->offset, range->size, prev);
        if (!counted)
            return counted.error();
        total = *counted;
    }
    literal.streamed_ = true;
    literal.offset_ = range->offset;
    literal.end_ = range->offset + range->size;
    literal.size_ = literal.remaining_ = partial_size(section, total);
    literal.windowed_ = section.origin.has_value();
    literal.prev_ = prev;
    literal.converter_ = message::CrlfConverter(section.origin.value_or(0), window, true, prev);
    return literal;
}

mailstore::Result<bool> BodyLiteral::pump(MessageData& data, std::string& out, std::size_t budget, ReadBuffer& buffer)
{
    if (!streamed_) {
        out.append(inline_, 0, static_cast<std::size_t>(remaining_));
        remaining_ = 0;
        return true;
    }
    while (remaining_ > 0 && out.size() < budget) {
        if (offset_ >= end_ || converter_.done())
            break;
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(ReadBuffer::size, end_ - offset_));
        auto chunk = preloaded_ ? mailstore::Result<std::string_view>(std::string_view(buffer.get().data(), preloaded_))
                                : data.read_view(offset_, buffer.get().first(want));
        preloaded_ = 0;
        if (!chunk) {
            out.append(static_cast<std::size_t>(remaining_), ' ');
            remaining_ = 0;
            return chunk.error();
        }
        if (chunk->empty())
            break;
        offset_ += chunk->size();
        const std::size_t at = out.size();
        if (windowed_)
            converter_.feed(*chunk, out);
        else
            append_crlf(*chunk, out, prev_);   // straight into the reply
        // Cut to what was announced (the message may have changed since its size was known).
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(out.size() - at, remaining_));
        out.resize(at + take);
        remaining_ -= take;
    }
    if (remaining_ > 0 && (offset_ >= end_ || converter_.done())) {
        out.append(static_cast<std::size_t>(remaining_), ' ');
        remaining_ = 0;
    }
    return remaining_ == 0;
}

}  // namespace mailroom::imap
