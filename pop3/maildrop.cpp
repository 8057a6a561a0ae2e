// pop3/maildrop.cpp - opening, listing and updating the POP3 maildrop (see maildrop.hpp).
#include "pop3/maildrop.hpp"

#include "core/util/strings.hpp"
#include "pop3/limits.hpp"

#include <algorithm>

namespace mailroom::pop3 {
namespace {

using mailstore::Result;
using mailstore::Uid;

constexpr std::string_view md5_cache_field = "pop3.header-md5";
constexpr std::string_view retrieved_cache_field = "pop3.first-retr";   // Unix time of the first RETR
constexpr std::time_t seconds_per_day = 86400;

std::size_t header_end(std::string_view text)
{
    const auto lf = text.find("\n\n");
    const auto crlf = text.find("\n\r\n");
    return std::min(lf, crlf);
}

}  // namespace

Result<std::unique_ptr<Maildrop>> Maildrop::open(std::unique_ptr<mailstore::UserStore> store,
                                                 const UidlFormat& uidl_format, std::optional<unsigned> expire_days,
                                                 std::time_t now)
{
    std::unique_ptr<Maildrop> drop(new Maildrop);
    drop->expire_days_ = expire_days;
    drop->now_ = now;
    drop->store_ = std::move(store);
    auto view = drop->store_->open("INBOX", false);
    if (!view)
        return view.error();
    drop->view_ = std::move(*view);
    auto claim = drop->view_->claim_exclusive();
    if (!claim)
        return claim.error();
    drop->claim_ = std::move(*claim);

    const std::uint32_t uid_validity = drop->view_->uid_validity();
    drop->messages_.reserve(drop->view_->messages().size());
    for (const auto& record : drop->view_->messages()) {
        if (drop->retention_ended(record.uid)) {
            drop->expired_.push_back(record.uid);
            continue;
        }
        MaildropMessage message{record.uid, 0, {}, (record.flags & mailstore::flag_seen) != 0};
        auto size = drop->view_->virtual_size(record.uid);
        if (!size)
            return size.error();
        message.size = *size;
        const std::string file_name = uidl_format.uses_file_name() ? drop->view_->message_key(record.uid) : "";
        std::string digest;
        if (uidl_format.uses_header_md5()) {
            auto computed = drop->header_digest(record.uid);
            if (!computed)
                return computed.error();
            digest = std::move(*computed);
        }
        message.uidl = uidl_format.expand({record.uid, uid_validity, file_name, digest});
        drop->messages_.push_back(std::move(message));
    }
    return drop;
}

Result<std::string> Maildrop::header_digest(Uid uid)
{
    if (auto cached = view_->cached(uid, md5_cache_field))
        return std::move(*cached);
    auto content = view_->open_content(uid);
    if (!content)
        return content.error();
    std::string header;
    char buffer[8192];
    while (header.size() < header_md5_read_max && header_end(header) == std::string::npos) {
        auto n = (*content)->read(header.size(), buffer);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        header.append(buffer, *n);
    }
    std::string digest = header_md5(header);
    view_->cache(uid, md5_cache_field, digest);
    return digest;
}

bool Maildrop::retention_ended(Uid uid)
{
    if (!expire_days_ || *expire_days_ == 0)
        return false;
    const auto first = view_->cached(uid, retrieved_cache_field);
    const auto when = first ? core::parse_uint(*first) : std::nullopt;
    return when && static_cast<std::time_t>(*when) + *expire_days_ * seconds_per_day <= now_;
}

Result<std::unique_ptr<mailstore::MessageContent>> Maildrop::open_content(Uid uid) { return view_->open_content(uid); }

Result<std::size_t> Maildrop::update(std::span<const Uid> expunge, std::span<const Uid> seen,
                                     std::span<const Uid> retrieved)
{
    if (expire_days_ && *expire_days_ > 0)
        for (Uid uid : retrieved)
            if (!view_->cached(uid, retrieved_cache_field))
                view_->cache(uid, retrieved_cache_field, std::to_string(now_));
    std::vector<Uid> removing(expunge.begin(), expunge.end());
    removing.insert(removing.end(), expired_.begin(), expired_.end());
    if (!seen.empty()) {
        mailstore::FlagChange change{mailstore::FlagChange::Mode::add, mailstore::flag_seen, {}};
        if (auto marked = view_->update_flags(seen, change); !marked)
            return marked.error();
    }
    if (removing.empty()) {
        if (auto written = view_->checkpoint(); !written)
            return written.error();
        return 0;
    }
    auto removed = remove(removing);   // an expunge writes the pending state too
    if (!removed)
        return removed.error();
    expired_removed_ = static_cast<std::size_t>(std::count_if(removed->begin(), removed->end(), [&](Uid uid) {
        return std::find(expired_.begin(), expired_.end(), uid) != expired_.end();
    }));
    return removed->size() - expired_removed_;
}

Result<std::vector<Uid>> Maildrop::remove(std::span<const Uid> expunge)
{
    // Messages IMAP already marked \Deleted keep the mark if the expunge fails.
    std::vector<Uid> newly_marked;
    for (Uid uid : expunge)
        if (const auto* record = view_->find(uid); record && !(record->flags & mailstore::flag_deleted))
            newly_marked.push_back(uid);
    mailstore::FlagChange mark{mailstore::FlagChange::Mode::add, mailstore::flag_deleted, {}};
    if (auto marked = view_->update_flags(expunge, mark); !marked)
        return marked.error();
    auto expunged = view_->expunge(expunge);
    if (!expunged) {
        mark.mode = mailstore::FlagChange::Mode::remove;
        (void)view_->update_flags(newly_marked, mark);
        return expunged.error();
    }
    return std::move(*expunged);
}

}  // namespace mailroom::pop3
