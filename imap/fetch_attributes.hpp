// imap/fetch_attributes.hpp - what a FETCH asks for (RFC 3501 §6.4.5 fetch-att and the
// ALL/FAST/FULL macros; BODY[section]<partial>, BODY.PEEK; RFC 7162 §3.1.4 MODSEQ and the
// CHANGEDSINCE modifier).
#pragma once
#include "imap/arg_reader.hpp"
#include "mailstore/message/section.hpp"
#include "mailstore/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mailroom::imap {

struct BodySection {
    std::string name;                  // as echoed: "BODY[HEADER.FIELDS (FROM)]", "RFC822.TEXT"
    message::SectionSpec spec;
    bool whole = false;                // BODY[] / RFC822: the whole message
    bool peek = false;                 // BODY.PEEK and RFC822.HEADER leave \Seen alone
    std::optional<std::uint64_t> origin;
    std::uint64_t length = 0;          // with origin: the partial's length
};

enum class FetchItem : unsigned char {
    uid, flags, internal_date, rfc822_size, envelope, body, body_structure, modseq, section,
};

struct FetchAttributes {
    std::vector<FetchItem> items;          // in the order asked (section items index sections)
    std::vector<BodySection> sections;
    std::optional<mailstore::ModSeq> changed_since;

    bool has(FetchItem item) const;
    bool sets_seen() const;                // some section without PEEK
    bool needs_tree() const;               // sections other than BODY[] (ENVELOPE and BODY[STRUCTURE]
                                           // come from cached_items.hpp, which parses if it must)
};

// Parses the fetch attribute(s) and the optional modifier list (CHANGEDSINCE). The UID item
// is put first for UID FETCH; MODSEQ is added for CHANGEDSINCE. false: error set in `args`.
bool parse_fetch_attributes(ArgReader& args, bool uid_command, FetchAttributes& out);

}  // namespace mailroom::imap
