// imap/message_data.hpp - what FETCH and SEARCH need of one stored message, each piece
// loaded at most once and only when asked: the content (streamed by the store), the bytes
// (for parsing and text search), the MIME part tree (RFC 3501 §6.4.5, §7.4.2; kept in the
// view's cache, serialized, so later FETCHes need no parse) and the top-level header.
#pragma once
#include "mailstore/message/header.hpp"
#include "mailstore/message/part.hpp"
#include "mailstore/store.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>

namespace mailroom::imap {

// The view cache field holding the serialized part tree.
inline constexpr std::string_view part_tree_cache_field = "imap.mime";

class MessageData {
public:
    MessageData(mailstore::MailboxView& view, const mailstore::MessageRecord& record) : view_(view), record_(record) {}
    // Header fields point into the buffers: the object stays where it was made.
    MessageData(const MessageData&) = delete;
    MessageData& operator=(const MessageData&) = delete;

    const mailstore::MessageRecord& record() const { return record_; }
    mailstore::MailboxView& view() const { return view_; }
    mailstore::Result<mailstore::MessageContent*> content();
    // The whole message as stored (LF line ends); read once.
    mailstore::Result<std::string_view> bytes();
    mailstore::Result<const message::Part*> tree();
    // The top-level header's fields (views into header_bytes()).
    mailstore::Result<const message::HeaderBlock*> header();
    // RFC822.SIZE.
    mailstore::Result<std::uint64_t> virtual_size() { return view_.virtual_size(record_.uid); }

    // Reads [offset, offset + size) of the stored message.
    mailstore::Result<std::string> read_range(std::uint64_t offset, std::uint64_t size);
    // Up to buffer.size() bytes at `offset`, without a copy of their own: a view into the
    // message when bytes() loaded it, otherwise read into `buffer` (empty at the end).
    mailstore::Result<std::string_view> read_view(std::uint64_t offset, std::span<char> buffer);

private:
    mailstore::MailboxView& view_;
    const mailstore::MessageRecord record_;   // a copy: the view's records change with STORE
    std::unique_ptr<mailstore::MessageContent> content_;
    std::optional<std::string> bytes_;
    std::optional<message::Part> tree_;
    std::optional<std::string> header_bytes_;
    std::optional<message::HeaderBlock> header_;
};

// The CRLF size of the physical range [offset, offset + size) when it is a header, a body
// or a whole part of the tree (what resolve_section returns); nullopt otherwise.
std::optional<std::uint64_t> range_virtual_size(const message::Part& root, std::uint64_t offset, std::uint64_t size);

}  // namespace mailroom::imap
