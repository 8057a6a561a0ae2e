// imap/search_eval.cpp - SEARCH evaluation (see search_eval.hpp).
#include "imap/search_eval.hpp"

#include "core/util/strings.hpp"
#include "imap/cached_items.hpp"
#include "imap/protocol/imap_date.hpp"
#include "mailstore/message/date.hpp"
#include "mailstore/message/search_text.hpp"

namespace mailroom::imap {
namespace {

using Op = SearchKey::Op;

class Evaluator {
public:
    Evaluator(SelectedMailbox& box, SearchOutcome& outcome) : box_(box), outcome_(outcome) {}

    bool matches(const SearchKey& key, std::uint32_t position);

private:
    bool index_match(const SearchKey& key, const mailstore::MessageRecord& record, std::uint32_t position);
    bool header_match(const SearchKey& key);
    bool text_match(const SearchKey& key);
    std::int64_t sent_day(const mailstore::MessageRecord& record);
    MessageData& data(const mailstore::MessageRecord& record);
    void note(const mailstore::Error& error);

    SelectedMailbox& box_;
    SearchOutcome& outcome_;
    std::unique_ptr<MessageData> data_;       // the message being evaluated, loaded on demand
};

// Sequence sets are resolved once, not per message.
void resolve_sets(SearchKey& key, std::uint32_t msn_count, mailstore::Uid highest_uid)
{
    if (key.op == Op::msn_set)
        key.ranges = key.set.resolve(msn_count);
    else if (key.op == Op::uid_set)
        key.ranges = key.set.resolve(highest_uid);
    for (auto& child : key.children)
        resolve_sets(child, msn_count, highest_uid);
}

MessageData& Evaluator::data(const mailstore::MessageRecord& record)
{
    if (!data_ || data_->record().uid != record.uid)
        data_ = std::make_unique<MessageData>(box_.view(), record);
    return *data_;
}

void Evaluator::note(const mailstore::Error& error)
{
    (error.is(mailstore::Errc::expunged) ? outcome_.expunged : outcome_.failed) = true;
    if (outcome_.error.empty())
        outcome_.error = error.text;
}

bool Evaluator::matches(const SearchKey& key, std::uint32_t position)
{
    switch (key.op) {
    case Op::and_:
        for (const auto& child : key.children)
            if (!matches(child, position))
                return false;
        return true;
    case Op::or_:
        return matches(key.children[0], position) || matches(key.children[1], position);
    case Op::not_:
        return !matches(key.children[0], position);
    case Op::header:
        data(box_.at(position));
        return header_match(key);
    case Op::body:
    case Op::text:
        data(box_.at(position));
        return text_match(key);
    default:
        return index_match(key, box_.at(position), position);
    }
}

bool Evaluator::index_match(const SearchKey& key, const mailstore::MessageRecord& record, std::uint32_t position)
{
    switch (key.op) {
    case Op::all:
        return true;
    case Op::msn_set:
        return ranges_contain(key.ranges, position + 1);
    case Op::uid_set:
        return ranges_contain(key.ranges, record.uid);
    case Op::flag_set:
        return (record.flags & key.flag) != 0;
    case Op::flag_unset:
        return (record.flags & key.flag) == 0;
    case Op::keyword:
    case Op::unkeyword: {
        const auto& names = box_.view().keyword_names();
        bool set = false;
        for (std::size_t i = 0; i < names.size() && i < 64; ++i)
            if (core::iequals(names[i], key.field))
                set = (record.keywords >> i) & 1;
        return set == (key.op == Op::keyword);
    }
    case Op::recent:
        return box_.view().is_recent(record.uid);
    case Op::new_:
        return box_.view().is_recent(record.uid) && !(record.flags & mailstore::flag_seen);
    case Op::old:
        return !box_.view().is_recent(record.uid);
    case Op::before:
        return local_day(record.internal_date) < key.number;
    case Op::on:
        return local_day(record.internal_date) == key.number;
    case Op::since:
        return local_day(record.internal_date) >= key.number;
    case Op::sent_before:
        return sent_day(record) < key.number;
    case Op::sent_on:
        return sent_day(record) == key.number;
    case Op::sent_since:
        return sent_day(record) >= key.number;
    case Op::larger:
    case Op::smaller: {
        auto size = box_.view().virtual_size(record.uid);
        if (!size) {
            note(size.error());
            return false;
        }
        return key.op == Op::larger ? *size > static_cast<std::uint64_t>(key.number)
                                    : *size < static_cast<std::uint64_t>(key.number);
    }
    case Op::modseq:
        return record.modseq >= static_cast<std::uint64_t>(key.number);
    default:
        return false;
    }
}

// The day of the Date: header in the zone it was written in; a message without a usable
// Date: counts by its internal date (as Dovecot does).
std::int64_t Evaluator::sent_day(const mailstore::MessageRecord& record)
{
    auto header = data(record).header();
    if (header)
        if (const auto* field = (*header)->find_first("Date"))
            if (const auto when = message::parse_date(field->value))
                return zoned_day(when->utc_seconds, when->zone_minutes);
    if (!header)
        note(header.error());
    return local_day(record.internal_date);
}

bool Evaluator::header_match(const SearchKey& key)
{
    auto values = header_search_values(*data_, key.field);
    if (!values) {
        note(values.error());
        return false;
    }
    for (const auto& value : *values)
        if (key.text.empty() || value.find(key.text) != std::string::npos)
            return true;
    return false;
}

bool Evaluator::text_match(const SearchKey& key)
{
    if (key.op == Op::text) {
        auto header = data_->header();
        if (!header) {
            note(header.error());
            return false;
        }
        for (const auto& field : (*header)->fields)
            if (message::fold_case(field.name).find(key.text) != std::string::npos ||
                message::header_search_text(field).find(key.text) != std::string::npos)
                return true;
    }
    auto bytes = data_->bytes();
    auto tree = bytes ? data_->tree() : mailstore::Result<const message::Part*>(bytes.error());
    if (!tree) {
        note(tree.error());
        return false;
    }
    return message::search_text_contains(*bytes, **tree, key.text);
}

}  // namespace

SearchOutcome run_search(SearchProgram& program, SelectedMailbox& box)
{
    resolve_sets(program.root, box.count(), box.highest_uid());
    SearchOutcome outcome;
    Evaluator evaluator(box, outcome);
    for (std::uint32_t position = 0; position < box.count(); ++position)
        if (evaluator.matches(program.root, position))
            outcome.positions.push_back(position);
    return outcome;
}

}  // namespace mailroom::imap
