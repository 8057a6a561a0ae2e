// imap/protocol/sequence_set.cpp - sequence sets (see sequence_set.hpp).
#include "imap/protocol/sequence_set.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

// seq-number = nz-number / "*"; nz-number = digit-nz *DIGIT, at most 2^32-1.
std::optional<std::uint64_t> seq_number(std::string_view text)
{
    if (text == "*")
        return UINT64_MAX;
    if (text.empty() || text.size() > 10 || text[0] < '1' || text[0] > '9')
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > UINT32_MAX)
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<SequenceSet> SequenceSet::parse(std::string_view text)
{
    SequenceSet set;
    if (text.empty())
        return std::nullopt;
    std::size_t start = 0;
    for (;;) {
        const auto comma = text.find(',', start);
        const auto element = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const auto colon = element.find(':');
        const auto a = seq_number(element.substr(0, colon));
        const auto b = colon == std::string_view::npos ? a : seq_number(element.substr(colon + 1));
        if (!a || !b)
            return std::nullopt;
        set.items_.push_back({*a, *b});
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return set;
}

std::vector<SeqRange> SequenceSet::resolve(std::uint32_t largest) const
{
    std::vector<SeqRange> ranges;
    ranges.reserve(items_.size());
    for (const Item& item : items_) {
        const bool star_a = item.a == star;
        const bool star_b = item.b == star;
        if ((star_a || star_b) && largest == 0)
            continue;
        auto a = static_cast<std::uint32_t>(star_a ? largest : item.a);
        auto b = static_cast<std::uint32_t>(star_b ? largest : item.b);
        if (a > b)
            std::swap(a, b);
        ranges.push_back({a, b});
    }
    std::sort(ranges.begin(), ranges.end(), [](const SeqRange& x, const SeqRange& y) { return x.first < y.first; });
    std::vector<SeqRange> merged;
    for (const SeqRange& r : ranges) {
        if (!merged.empty() && r.first <= static_cast<std::uint64_t>(merged.back().last) + 1)
            merged.back().last = std::max(merged.back().last, r.last);
        else
            merged.push_back(r);
    }
    return merged;
}

std::uint32_t SequenceSet::highest_explicit() const
{
    std::uint64_t highest = 0;
    for (const Item& item : items_) {
        if (item.a != star)
            highest = std::max(highest, item.a);
        if (item.b != star)
            highest = std::max(highest, item.b);
    }
    return static_cast<std::uint32_t>(highest);
}

bool SequenceSet::uses_star() const
{
    return std::any_of(items_.begin(), items_.end(), [](const Item& i) { return i.a == star || i.b == star; });
}

bool ranges_contain(std::span<const SeqRange> ranges, std::uint32_t value)
{
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), value,
                                     [](std::uint32_t v, const SeqRange& r) { return v < r.first; });
    return it != ranges.begin() && value <= std::prev(it)->last;
}

std::string format_sequence(std::span<const std::uint32_t> ascending)
{
    std::string out;
    for (std::size_t i = 0; i < ascending.size();) {
        std::size_t j = i;
        while (j + 1 < ascending.size() && ascending[j + 1] <= static_cast<std::uint64_t>(ascending[j]) + 1)
            ++j;
        if (!out.empty())
            out += ',';
        out += std::to_string(ascending[i]);
        if (ascending[j] != ascending[i])
            out += ':' + std::to_string(ascending[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace mailroom::imap
