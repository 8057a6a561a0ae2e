// imap/cmd_fetch.cpp - FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8, §7.4.2; CONDSTORE
// CHANGEDSINCE and MODSEQ, RFC 7162 §3.1.4-5). Messages are written in steps (FetchJob), so
// large bodies stream from the store through the connection instead of being held whole;
// \Seen is set first, in one store call, for the messages whose bodies are fetched.
#include "imap/cached_items.hpp"
#include "imap/commands.hpp"
#include "imap/fetch_body.hpp"
#include "imap/protocol/imap_date.hpp"
#include "imap/storage_error.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace mailroom::imap {
namespace {

void append_number(std::string& out, std::uint64_t n)
{
    char digits[20];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out.append(digits, static_cast<std::size_t>(end - digits));
}

// The items answered from the message's cache (or rendered from its part tree once).
constexpr std::pair<FetchItem, RenderedItem> rendered_items[] = {
    {FetchItem::envelope, RenderedItem::envelope},
    {FetchItem::body, RenderedItem::body},
    {FetchItem::body_structure, RenderedItem::body_structure},
};

class FetchJob final : public Continuation {
public:
    FetchJob(FetchAttributes attributes, std::vector<std::uint32_t> positions, std::vector<mailstore::Uid> seen_set)
        : attributes_(std::move(attributes)), positions_(std::move(positions)), seen_set_(std::move(seen_set))
    {
    }

    bool step(Session& session, std::string& out, std::size_t budget, Reply& reply) override;

private:
    struct Current {
        std::uint32_t position = 0;
        std::unique_ptr<MessageData> data;
        std::size_t item = 0;              // into the attributes' items, then FLAGS if `add_flags`
        bool add_flags = false;            // \Seen was set: FLAGS is sent though not asked for
        std::size_t section = 0;
        std::optional<BodyLiteral> literal;
        std::array<std::string, std::size(rendered_items)> rendered;   // by RenderedItem
        bool written_any = false;
    };

    std::size_t item_count() const { return attributes_.items.size() + (current_->add_flags ? 1 : 0); }
    FetchItem item_at(std::size_t i) const
    {
        return i < attributes_.items.size() ? attributes_.items[i] : FetchItem::flags;
    }
    bool start(SelectedMailbox& box, std::string& out);
    bool continue_items(Session& session, std::string& out, std::size_t budget);
    void write_item(Session& session, FetchItem item, std::string& out);
    void write_section(Session& session, std::string& out);

    FetchAttributes attributes_;
    std::vector<std::uint32_t> positions_;
    std::vector<mailstore::Uid> seen_set_;    // \Seen set by this FETCH (ascending)
    std::size_t next_ = 0;
    std::optional<Current> current_;
    ReadBuffer buffer_;
    bool expunged_ = false;
    bool failed_ = false;
};

bool FetchJob::step(Session& session, std::string& out, std::size_t budget, Reply& reply)
{
    SelectedMailbox& box = *session.selected();
    while (current_ || next_ < positions_.size()) {
        if (out.size() >= budget)
            return false;
        if (!current_ && !start(box, out))
            continue;
        if (!continue_items(session, out, budget))
            return false;
        out += ")\r\n";
        current_.reset();
    }
    if (expunged_)
        reply.set(Status::no, "Some of the requested messages no longer exist.", "EXPUNGEISSUED");
    else if (failed_)
        reply.set(Status::no, "Some messages could not be read; the server log has details.", "SERVERBUG");
    return true;
}

// Loads what can fail before a byte of the response is written, so a message that vanished
// meanwhile is left out rather than half answered. false: skipped.
bool FetchJob::start(SelectedMailbox& box, std::string& out)
{
    Current current;
    current.position = positions_[next_++];
    const mailstore::MessageRecord& record = box.at(current.position);
    current.data = std::make_unique<MessageData>(box.view(), record);
    current.add_flags =
        std::binary_search(seen_set_.begin(), seen_set_.end(), record.uid) && !attributes_.has(FetchItem::flags);
    mailstore::Result<void> loaded;
    for (const auto& [fetch_item, rendered_item_kind] : rendered_items)
        if (loaded && attributes_.has(fetch_item)) {
            auto text = rendered_item(*current.data, rendered_item_kind);
            if (text)
                current.rendered[static_cast<std::size_t>(rendered_item_kind)] = std::move(*text);
            else
                loaded = text.error();
        }
    if (loaded && attributes_.needs_tree())
        if (auto tree = current.data->tree(); !tree)
            loaded = tree.error();
    // BODY[] needs the CRLF size before its literal; a small message whose size the index
    // lacks is measured while it is read (BodyLiteral::prepare), only opened here.
    const bool whole = std::any_of(attributes_.sections.begin(), attributes_.sections.end(),
                                   [](const BodySection& section) { return section.whole; });
    const bool read_once = whole && BodyLiteral::reads_once(current.data->record());
    if (loaded && (attributes_.has(FetchItem::rfc822_size) || (whole && !read_once)))
        if (auto size = current.data->virtual_size(); !size)
            loaded = size.error();
    if (loaded && read_once)
        if (auto content = current.data->content(); !content)
            loaded = content.error();
    if (!loaded) {
        (loaded.error().is(mailstore::Errc::expunged) ? expunged_ : failed_) = true;
        return false;
    }
    out += "* ";
    append_number(out, current.position + 1);
    out += " FETCH (";
    current_ = std::move(current);
    return true;
}

bool FetchJob::continue_items(Session& session, std::string& out, std::size_t budget)
{
    Current& current = *current_;
    while (current.item < item_count()) {
        if (current.literal) {
            const auto done = current.literal->pump(*current.data, out, budget, buffer_);
            if (!done) {
                session.log().warning("fetch: reading message failed: " + done.error().text);
                failed_ = true;
            } else if (!*done) {
                return false;
            }
            current.literal.reset();
            ++current.item;
            continue;
        }
        if (current.written_any)
            out += ' ';
        current.written_any = true;
        write_item(session, item_at(current.item), out);
        if (!current.literal)
            ++current.item;
        else if (out.size() >= budget)
            return false;
    }
    return true;
}

void FetchJob::write_item(Session& session, FetchItem item, std::string& out)
{
    Current& current = *current_;
    SelectedMailbox& box = *session.selected();
    const mailstore::MessageRecord& record = current.data->record();
    switch (item) {
    case FetchItem::uid:
        out += "UID ";
        append_number(out, record.uid);
        break;
    case FetchItem::flags:
        out += "FLAGS ";
        box.append_flags(out, box.at(current.position));
        break;
    case FetchItem::internal_date:
        out += "INTERNALDATE \"" + format_internal_date(record.internal_date) + "\"";
        break;
    case FetchItem::rfc822_size:
    {
        const auto size = current.data->virtual_size();   // loaded by start(): cannot fail now
        out += "RFC822.SIZE " + std::to_string(size ? *size : 0);
    }
        break;
    case FetchItem::envelope:
        out += "ENVELOPE ";
        out += current.rendered[static_cast<std::size_t>(RenderedItem::envelope)];
        break;
    case FetchItem::body:
        out += "BODY ";
        out += current.rendered[static_cast<std::size_t>(RenderedItem::body)];
        break;
    case FetchItem::body_structure:
        out += "BODYSTRUCTURE ";
        out += current.rendered[static_cast<std::size_t>(RenderedItem::body_structure)];
        break;
    case FetchItem::modseq:
        out += "MODSEQ (" + std::to_string(record.modseq) + ")";
        break;
    case FetchItem::section:
        write_section(session, out);
        break;
    }
}

void FetchJob::write_section(Session& session, std::string& out)
{
    Current& current = *current_;
    const BodySection& section = attributes_.sections[current.section++];
    out += section.name;
    if (section.origin)
        out += "<" + std::to_string(*section.origin) + ">";
    auto literal = BodyLiteral::prepare(*current.data, section, buffer_);
    if (!literal) {
        session.log().warning("fetch: reading message failed: " + literal.error().text);
        (literal.error().is(mailstore::Errc::expunged) ? expunged_ : failed_) = true;
        out += " NIL";
        return;
    }
    if (literal->size() == 0) {
        out += " \"\"";
        return;
    }
    out += " {";
    append_number(out, literal->size());
    out += "}\r\n";
    current.literal = std::move(*literal);
}

// Sets \Seen on the messages whose bodies are fetched, in one store call (RFC 3501 §6.4.5:
// BODY[] and RFC822 set it, BODY.PEEK and RFC822.HEADER do not). Returns the UIDs changed.
std::vector<mailstore::Uid> set_seen(Session& session, const std::vector<std::uint32_t>& positions)
{
    SelectedMailbox& box = *session.selected();
    std::vector<mailstore::Uid> unseen;
    for (auto position : positions)
        if (!(box.at(position).flags & mailstore::flag_seen))
            unseen.push_back(box.at(position).uid);
    if (unseen.empty())
        return unseen;
    mailstore::FlagChange change;
    change.flags = mailstore::flag_seen;
    auto result = box.view().update_flags(unseen, change);
    if (!result) {
        session.log().warning("fetch: setting \\Seen failed: " + result.error().text);
        return {};
    }
    std::sort(result->changed.begin(), result->changed.end());
    return std::move(result->changed);
}

}  // namespace

Reply cmd_fetch(CommandContext& cx)
{
    const SequenceSet set = cx.args.sequence_set();
    FetchAttributes attributes;
    if (!cx.args.ok() || !parse_fetch_attributes(cx.args, cx.uid, attributes))
        return Reply::bad(cx.args.error());
    SelectedMailbox& box = *cx.session.selected();
    std::vector<std::uint32_t> positions;
    if (!box.positions(set, cx.uid, positions))
        return Reply::bad("Invalid message sequence number");
    if (attributes.changed_since || attributes.has(FetchItem::modseq))
        cx.session.enable_condstore();
    if (cx.session.condstore() && attributes.has(FetchItem::flags) && !attributes.has(FetchItem::modseq))
        attributes.items.push_back(FetchItem::modseq);
    if (attributes.changed_since)
        std::erase_if(positions, [&](std::uint32_t p) { return box.at(p).modseq <= *attributes.changed_since; });
    std::vector<mailstore::Uid> seen_set;
    if (attributes.sets_seen() && !box.read_only())
        seen_set = set_seen(cx.session, positions);
    Reply reply = Reply::ok("Fetch completed.");
    reply.more = std::make_unique<FetchJob>(std::move(attributes), std::move(positions), std::move(seen_set));
    return reply;
}

}  // namespace mailroom::imap
