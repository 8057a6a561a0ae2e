// tests/unit/imap/test_cached_items.cpp - FETCH's ENVELOPE/BODY/BODYSTRUCTURE and SEARCH's
// header values kept in the mailbox cache (imap/cached_items): the first request renders and
// caches, later ones (other views too) read the cache and never reparse, damaged entries are
// recomputed, and the value list encoding round-trips any bytes.
#include "imap/cached_items.hpp"
#include "imap/render/body_structure.hpp"
#include "imap/render/envelope_render.hpp"
#include "mailstore/message/mime_parser.hpp"
#include "tests/unit/mailstore/store_fixture.hpp"

using namespace mailroom;
using imap::RenderedItem;

namespace {

const std::string mail = "From: =?utf-8?q?Ren=C3=A9e?= <renee@example.com>\r\n"
                         "To: ann@example.com\r\n"
                         "Subject: Quarterly REPORT\r\n"
                         "To: Bob\r\n  <bob@example.com>\r\n"
                         "MIME-Version: 1.0\r\n"
                         "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                         "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
                         "--b\r\nContent-Type: application/pdf; name=x.pdf\r\n\r\n%PDF\r\n--b--\r\n";

struct Fixture : StoreFixture {
    mailstore::Uid uid = append("INBOX", mail);
    std::unique_ptr<mailstore::MailboxView> view = open("INBOX");

    std::unique_ptr<imap::MessageData> data() { return std::make_unique<imap::MessageData>(*view, *view->find(uid)); }
};

message::Part parsed()
{
    std::string lf = mail;
    for (std::size_t at; (at = lf.find("\r\n")) != std::string::npos;)
        lf.erase(at, 1);
    return message::parse_message(lf);
}

}  // namespace

TEST_CASE("rendered items are rendered from the part tree once, then read from the cache")
{
    Fixture f;
    const message::Part root = parsed();
    const std::pair<RenderedItem, std::string> expected[] = {
        {RenderedItem::envelope, imap::render_envelope(*root.envelope)},
        {RenderedItem::body, imap::render_body_structure(root, false)},
        {RenderedItem::body_structure, imap::render_body_structure(root, true)},
    };
    for (const auto& [item, text] : expected) {
        CAPTURE(text);
        auto first = imap::rendered_item(*f.data(), item);
        REQUIRE(first);
        CHECK(*first == text);
    }
    REQUIRE(f.view->checkpoint());   // writes the queued cache bundle
    CHECK(f.view->cached(f.uid, "imap.bodystructure/1") == expected[2].second);
    // Another view reads what the first cached; a value put there is what it gets.
    auto other = f.open("INBOX");
    other->cache(f.uid, "imap.body/1", "(\"from\" \"cache\")");
    imap::MessageData again(*other, *other->find(f.uid));
    CHECK(imap::rendered_item(again, RenderedItem::body).value() == "(\"from\" \"cache\")");
    CHECK(imap::rendered_item(again, RenderedItem::envelope).value() == expected[0].second);
}

TEST_CASE("header values are decoded, folded, in header order, and cached per field name")
{
    Fixture f;
    CHECK(imap::header_search_values(*f.data(), "to").value() ==
          std::vector<std::string>{"ann@example.com", "bob  <bob@example.com>"});
    CHECK(imap::header_search_values(*f.data(), "FROM").value() ==
          std::vector<std::string>{"ren\xC3\xA9" "e <renee@example.com>"});
    CHECK(imap::header_search_values(*f.data(), "Cc").value().empty());
    CHECK(imap::header_values_cache_field("FROM") == "search.header/1/from");
    CHECK(f.view->cached(f.uid, "search.header/1/from") == imap::encode_value_list({"ren\xC3\xA9" "e <renee@example.com>"}));
    CHECK(f.view->cached(f.uid, "search.header/1/cc") == "");
    // Later searches use the cache; an entry that does not decode is computed again.
    f.view->cache(f.uid, "search.header/1/subject", imap::encode_value_list({"from the cache"}));
    CHECK(imap::header_search_values(*f.data(), "Subject").value() == std::vector<std::string>{"from the cache"});
    f.view->cache(f.uid, "search.header/1/subject", "99:short");
    CHECK(imap::header_search_values(*f.data(), "Subject").value() == std::vector<std::string>{"quarterly report"});
}

TEST_CASE("value lists round-trip any bytes; anything else does not decode")
{
    const std::vector<std::vector<std::string>> lists = {
        {}, {""}, {"", ""}, {"a:b", "12:x"}, {std::string("nul\0byte", 8), "\xFF\xFE", std::string(300, 'x')},
    };
    for (const auto& list : lists)
        CHECK(imap::decode_value_list(imap::encode_value_list(list)) == list);
    for (std::string_view bad : {"5:abc", "x:abc", ":abc", "3", "3abc", "-1:a", "1:a2"})
        CHECK_FALSE(imap::decode_value_list(bad));
}
