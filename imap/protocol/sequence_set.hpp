// imap/protocol/sequence_set.hpp - message sets (RFC 3501 §9 sequence-set, seq-range,
// seq-number; "*" the largest number in use, §6.4.8 for UIDs) and their compact text form
// (RFC 4315 uid-set for COPYUID/APPENDUID, RFC 4731 ESEARCH ALL).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::imap {

struct SeqRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0;    // first <= last once resolved
    bool operator==(const SeqRange&) const = default;
};

class SequenceSet {
public:
    // Parses "1:4,7,9:*". nullopt for empty sets or elements, 0, numbers above 2^32-1,
    // leading '+' or '-', spaces, or anything else.
    static std::optional<SequenceSet> parse(std::string_view text);

    // The ranges with "*" replaced by `largest` (the message count, or the highest UID),
    // each ordered low to high, sorted and merged. With largest == 0 (an empty mailbox) a "*"
    // matches nothing.
    std::vector<SeqRange> resolve(std::uint32_t largest) const;

    // The highest number written explicitly (not "*"): for MSN sets it must exist.
    std::uint32_t highest_explicit() const;
    bool uses_star() const;

private:
    static constexpr std::uint64_t star = UINT64_MAX;
    struct Item {
        std::uint64_t a = 0, b = 0;
    };
    std::vector<Item> items_;
};

// True when `value` lies in the sorted, merged `ranges`.
bool ranges_contain(std::span<const SeqRange> ranges, std::uint32_t value);

// "1:3,5,9:10" for ascending values (duplicates allowed); empty for none.
std::string format_sequence(std::span<const std::uint32_t> ascending);

}  // namespace mailroom::imap
