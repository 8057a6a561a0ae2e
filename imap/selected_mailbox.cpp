// imap/selected_mailbox.cpp - the selected mailbox view (see selected_mailbox.hpp).
#include "imap/selected_mailbox.hpp"

#include "imap/flags.hpp"

#include <algorithm>

namespace mailroom::imap {
namespace {

auto by_uid = [](const mailstore::MessageRecord& r, mailstore::Uid uid) { return r.uid < uid; };

}  // namespace

SelectedMailbox::SelectedMailbox(std::unique_ptr<mailstore::MailboxView> view) : view_(std::move(view))
{
    keywords_announced_ = view_->keyword_names().size();
    recount_recent();
}

SelectedMailbox::~SelectedMailbox() = default;

void SelectedMailbox::recount_recent()
{
    recent_ = 0;
    for (const auto& record : view_->messages())
        recent_ += view_->is_recent(record.uid);
}

std::uint32_t SelectedMailbox::msn_of(mailstore::Uid uid) const
{
    const auto records = view_->messages();
    const auto it = std::lower_bound(records.begin(), records.end(), uid, by_uid);
    return it != records.end() && it->uid == uid ? static_cast<std::uint32_t>(it - records.begin()) + 1 : 0;
}

bool SelectedMailbox::positions(const SequenceSet& set, bool uid, std::vector<std::uint32_t>& out) const
{
    out.clear();
    const auto records = view_->messages();
    if (!uid) {
        if (set.highest_explicit() > records.size())
            return false;
        for (const SeqRange& range : set.resolve(count()))
            for (std::uint64_t msn = range.first; msn <= range.last; ++msn)
                out.push_back(static_cast<std::uint32_t>(msn - 1));
        return true;
    }
    for (const SeqRange& range : set.resolve(highest_uid())) {
        auto it = std::lower_bound(records.begin(), records.end(), range.first, by_uid);
        for (; it != records.end() && it->uid <= range.last; ++it)
            out.push_back(static_cast<std::uint32_t>(it - records.begin()));
    }
    return true;
}

void SelectedMailbox::append_flags(std::string& out, const mailstore::MessageRecord& record) const
{
    append_flag_list(out, record.flags, record.keywords, view_->keyword_names(), view_->is_recent(record.uid));
}

void SelectedMailbox::append_fetch_flags(std::string& out, std::uint32_t msn, const mailstore::MessageRecord& record,
                                         bool with_uid, bool with_modseq) const
{
    out += "* " + std::to_string(msn) + " FETCH (";
    if (with_uid)
        out += "UID " + std::to_string(record.uid) + " ";
    out += "FLAGS ";
    append_flags(out, record);
    if (with_modseq)
        out += " MODSEQ (" + std::to_string(record.modseq) + ")";
    out += ")\r\n";
}

void SelectedMailbox::append_flag_responses(std::string& out) const
{
    std::string keywords;
    for (const auto& name : view_->keyword_names())
        keywords += " " + name;
    out += "* FLAGS (" + std::string(system_flag_names()) + keywords + ")\r\n";
    if (read_only()) {
        out += "* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n";
        return;
    }
    // \* only while the mailbox can take another keyword (the store keeps 64 per mailbox).
    const bool room = view_->keyword_names().size() < mailstore::max_keywords;
    out += "* OK [PERMANENTFLAGS (" + std::string(system_flag_names()) + keywords + (room ? " \\*" : "") +
           ")] Flags permitted.\r\n";
}

void SelectedMailbox::announce_new_keywords(std::string& out)
{
    if (view_->keyword_names().size() == keywords_announced_)
        return;
    keywords_announced_ = view_->keyword_names().size();
    append_flag_responses(out);
}

std::uint32_t SelectedMailbox::first_unseen() const
{
    const auto records = view_->messages();
    for (std::size_t i = 0; i < records.size(); ++i)
        if (!(records[i].flags & mailstore::flag_seen))
            return static_cast<std::uint32_t>(i) + 1;
    return 0;
}

void SelectedMailbox::report_changes(std::string& out, bool condstore, std::string& error)
{
    auto changes = view_->sync();
    if (!changes) {
        error = changes.error().text;
        return;
    }
    // Expunges first, numbered as the client counts while it removes them one by one: the
    // position among the survivors (new messages all have higher UIDs, so they come later).
    report_own_expunges(out, changes->expunged);
    if (changes->keywords_changed || view_->keyword_names().size() != keywords_announced_) {
        keywords_announced_ = view_->keyword_names().size();
        append_flag_responses(out);
    }
    if (!changes->expunged.empty() || !changes->added.empty())
        recount_recent();
    if (!changes->added.empty()) {
        out += "* " + std::to_string(count()) + " EXISTS\r\n";
        out += "* " + std::to_string(recent_) + " RECENT\r\n";
    }
    for (mailstore::Uid uid : changes->flags_changed)
        if (const std::uint32_t msn = msn_of(uid))
            append_fetch_flags(out, msn, at(msn - 1), condstore, condstore);
}

void SelectedMailbox::report_own_expunges(std::string& out, const std::vector<mailstore::Uid>& removed)
{
    const auto records = view_->messages();
    for (mailstore::Uid uid : removed) {
        const auto it = std::lower_bound(records.begin(), records.end(), uid, by_uid);
        if (it != records.end() && it->uid == uid)
            continue;   // still here (the store could not remove it): nothing to report
        out += "* " + std::to_string(it - records.begin() + 1) + " EXPUNGE\r\n";
    }
    if (!removed.empty())
        recount_recent();
}

}  // namespace mailroom::imap
