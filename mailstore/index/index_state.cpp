// mailstore/index/index_state.cpp - index state lookups and log payload encoding/applying.
#include "mailstore/index/index_state.hpp"

#include "mailstore/index/binary_io.hpp"

#include <algorithm>

namespace mailroom::mailstore::index {
namespace {

auto lower(const std::vector<MessageRecord>& records, Uid uid)
{
    return std::lower_bound(records.begin(), records.end(), uid,
                            [](const MessageRecord& r, Uid u) { return r.uid < u; });
}

std::string begin(LogRecord type)
{
    std::string out;
    out += static_cast<char>(type);
    return out;
}

bool apply_append(ByteReader& in, IndexState& state, KeyTable& keys)
{
    MessageRecord r;
    const auto uid = in.u32();
    const auto flags = in.u8();
    const auto kw = in.u64();
    const auto size = in.u64();
    const auto vsize = in.u64();
    const auto date = in.i64();
    const auto modseq = in.u64();
    const auto location = in.u64();
    const auto length = in.u64();
    const auto key = in.short_string();
    if (in.failed() || *uid == 0)
        return false;
    r = MessageRecord{*uid, *flags, *kw, *size, *vsize, *date, *modseq, 0, *location, *length};
    if (state.records.empty() || state.records.back().uid < r.uid)
        state.records.push_back(r);
    else if (MessageRecord* existing = state.find(r.uid))
        *existing = r;   // replayed twice: the same record again
    else
        state.records.insert(lower(state.records, r.uid), r);
    keys[r.uid] = std::string(*key);
    state.header.uid_next = std::max(state.header.uid_next, r.uid + 1);
    state.header.highest_modseq = std::max(state.header.highest_modseq, r.modseq);
    return true;
}

bool apply_update(ByteReader& in, IndexState& state)
{
    const auto modseq = in.u64();
    const auto count = in.u32();
    if (in.failed())
        return false;
    for (std::uint32_t i = 0; i < *count; ++i) {
        const auto uid = in.u32();
        const auto flags = in.u8();
        const auto kw = in.u64();
        if (in.failed())
            return false;
        if (MessageRecord* r = state.find(*uid)) {
            r->flags = *flags;
            r->keywords = *kw;
            r->modseq = *modseq;
        }
    }
    state.header.highest_modseq = std::max(state.header.highest_modseq, *modseq);
    return true;
}

bool apply_expunge(ByteReader& in, IndexState& state, KeyTable& keys)
{
    const auto modseq = in.u64();
    const auto count = in.u32();
    if (in.failed())
        return false;
    std::vector<Uid> uids;
    for (std::uint32_t i = 0; i < *count; ++i) {
        const auto uid = in.u32();
        if (!uid)
            return false;
        uids.push_back(*uid);
        keys.erase(*uid);
    }
    std::sort(uids.begin(), uids.end());
    std::erase_if(state.records, [&](const MessageRecord& r) { return std::binary_search(uids.begin(), uids.end(), r.uid); });
    state.header.highest_modseq = std::max(state.header.highest_modseq, *modseq);
    return true;
}

template <class Apply>
bool apply_pairs(ByteReader& in, IndexState& state, Apply apply)
{
    const auto count = in.u32();
    if (in.failed())
        return false;
    for (std::uint32_t i = 0; i < *count; ++i) {
        const auto uid = in.u32();
        const auto value = in.u64();
        if (in.failed())
            return false;
        if (MessageRecord* r = state.find(*uid))
            apply(*r, *value);
    }
    return true;
}

}  // namespace

const MessageRecord* IndexState::find(Uid uid) const
{
    const auto it = lower(records, uid);
    return it != records.end() && it->uid == uid ? &*it : nullptr;
}

MessageRecord* IndexState::find(Uid uid) { return const_cast<MessageRecord*>(std::as_const(*this).find(uid)); }

std::string encode_append(const MessageRecord& r, std::string_view key)
{
    std::string out = begin(LogRecord::append);
    ByteWriter w(out);
    w.u32(r.uid);
    w.u8(r.flags);
    w.u64(r.keywords);
    w.u64(r.size);
    w.u64(r.virtual_size);
    w.i64(r.internal_date);
    w.u64(r.modseq);
    w.u64(r.location);
    w.u64(r.physical_length);
    w.short_string(key);
    return out;
}

std::string encode_update(ModSeq modseq, const std::vector<MessageRecord>& records)
{
    std::string out = begin(LogRecord::update);
    ByteWriter w(out);
    w.u64(modseq);
    w.u32(static_cast<std::uint32_t>(records.size()));
    for (const auto& r : records) {
        w.u32(r.uid);
        w.u8(r.flags);
        w.u64(r.keywords);
    }
    return out;
}

std::string encode_expunge(ModSeq modseq, const std::vector<Uid>& uids)
{
    std::string out = begin(LogRecord::expunge);
    ByteWriter w(out);
    w.u64(modseq);
    w.u32(static_cast<std::uint32_t>(uids.size()));
    for (Uid uid : uids)
        w.u32(uid);
    return out;
}

namespace {

std::string encode_pairs(LogRecord type, const std::vector<std::pair<Uid, std::uint64_t>>& pairs)
{
    std::string out = begin(type);
    ByteWriter w(out);
    w.u32(static_cast<std::uint32_t>(pairs.size()));
    for (const auto& [uid, value] : pairs) {
        w.u32(uid);
        w.u64(value);
    }
    return out;
}

}  // namespace

std::string encode_cache(const std::vector<std::pair<Uid, std::uint64_t>>& offsets)
{
    return encode_pairs(LogRecord::cache, offsets);
}

std::string encode_vsize(const std::vector<std::pair<Uid, std::uint64_t>>& sizes)
{
    return encode_pairs(LogRecord::vsize, sizes);
}

std::string encode_keywords(const std::vector<std::string>& keywords)
{
    std::string out = begin(LogRecord::keywords);
    ByteWriter w(out);
    w.u16(static_cast<std::uint16_t>(keywords.size()));
    for (const auto& keyword : keywords)
        w.short_string(keyword);
    return out;
}

std::string encode_recent(Uid first_recent_uid)
{
    std::string out = begin(LogRecord::recent);
    ByteWriter(out).u32(first_recent_uid);
    return out;
}

std::string encode_relocate(Uid uid, std::uint64_t location, std::uint64_t length)
{
    std::string out = begin(LogRecord::relocate);
    ByteWriter w(out);
    w.u32(uid);
    w.u64(location);
    w.u64(length);
    return out;
}

std::string encode_sync_state(std::string_view blob)
{
    std::string out = begin(LogRecord::sync_state);
    ByteWriter(out).long_string(blob);
    return out;
}

bool apply_log_record(std::string_view payload, IndexState& state, KeyTable& keys)
{
    ByteReader in(payload);
    const auto type = in.u8();
    if (!type)
        return false;
    bool ok = false;
    switch (static_cast<LogRecord>(*type)) {
    case LogRecord::append:
        ok = apply_append(in, state, keys);
        break;
    case LogRecord::update:
        ok = apply_update(in, state);
        break;
    case LogRecord::expunge:
        ok = apply_expunge(in, state, keys);
        break;
    case LogRecord::cache:
        ok = apply_pairs(in, state, [](MessageRecord& r, std::uint64_t v) { r.cache_offset = v; });
        break;
    case LogRecord::vsize:
        ok = apply_pairs(in, state, [](MessageRecord& r, std::uint64_t v) { r.virtual_size = v; });
        break;
    case LogRecord::keywords: {
        const auto count = in.u16();
        std::vector<std::string> names;
        for (std::uint16_t i = 0; count && i < *count; ++i)
            if (const auto name = in.short_string())
                names.emplace_back(*name);
        ok = !in.failed();
        if (ok)
            state.keywords = std::move(names);
        break;
    }
    case LogRecord::recent:
        if (const auto uid = in.u32()) {
            state.header.first_recent_uid = std::max(state.header.first_recent_uid, *uid);
            ok = true;
        }
        break;
    case LogRecord::relocate: {
        const auto uid = in.u32();
        const auto location = in.u64();
        const auto length = in.u64();
        ok = !in.failed();
        if (ok)
            if (MessageRecord* r = state.find(*uid)) {
                r->location = *location;
                r->physical_length = *length;
            }
        break;
    }
    case LogRecord::sync_state:
        if (const auto blob = in.long_string()) {
            state.sync_state = std::string(*blob);
            ok = true;
        }
        break;
    }
    return ok && in.at_end();
}

}  // namespace mailroom::mailstore::index
