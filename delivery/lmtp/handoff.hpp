// delivery/lmtp/handoff.hpp - the hand-off record that lets mailroom's own queue manager (mta/)
// deliver a message exactly once across a crash (docs/mta.md, "Crashes"). When mailroomd has a
// queue_directory, its LMTP service offers XMAILROOM-HANDOFF in the LHLO reply; the queue
// manager then puts "X-Mailroom-Handoff: ID NONCE" on top of the message. Delivery takes that
// line off (it is never stored) and, for each recipient whose copy is stored, appends
// "NONCE RECIPIENT" to $queue_directory/handoff/ID before the recipient's reply goes out. The
// queue manager reads the record (mta/queue/queue_directory.hpp, handed_off()) before a
// delivery attempt and does not send again what it lists. The format is a protocol between
// the two sides, which never link each other.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::delivery::lmtp {

inline constexpr std::string_view handoff_keyword = "XMAILROOM-HANDOFF";

struct Handoff {
    std::string id;      // the queue id: upper-case hex
    std::string nonce;   // the queue file's secret: hex
};

// When `message` starts with a well-formed hand-off line, removes it from the view and
// returns it; otherwise leaves the message alone.
std::optional<Handoff> take_handoff_line(std::string_view& message);

// Appends the record line for `recipient`. Not fsync'd: a process crash keeps it in the page
// cache; only a power failure can lose it, which makes a second copy, never a lost one.
// Throws std::system_error when the record cannot be written.
void record_handoff(const std::filesystem::path& queue_directory, const Handoff& handoff, std::string_view recipient);

}  // namespace mailroom::delivery::lmtp
