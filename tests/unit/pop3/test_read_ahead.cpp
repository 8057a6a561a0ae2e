// tests/unit/pop3/test_read_ahead.cpp - RETR read-ahead (pop3/read_ahead): whole messages after
// the one retrieved, within the budget, encoded exactly as RETR sends them, taken in order only.
#include "pop3/read_ahead.hpp"
#include "pop3/message_encoder.hpp"
#include "pop3_driver.hpp"

using mailroom::pop3::ReadAhead;
using namespace mailroom::mailstore;

namespace {

std::unique_ptr<mailroom::pop3::Maildrop> open_drop(StoreFixture& f)
{
    std::string error;
    auto format = mailroom::pop3::UidlFormat::parse("%u", error);
    REQUIRE(format);
    auto store = open_user_store(f.location, {});
    REQUIRE(store);
    auto drop = mailroom::pop3::Maildrop::open(std::move(*store), *format);
    REQUIRE(drop);
    return std::move(*drop);
}

std::string retr_body(std::string_view stored)
{
    std::string out;
    mailroom::pop3::MessageEncoder encoder;
    encoder.encode(stored, out);
    return out;
}

}  // namespace

TEST_CASE("read-ahead takes the whole messages that fit, encoded as RETR sends them, in order")
{
    StoreFixture f;
    f.append("INBOX", "Subject: one\r\n\r\n.dot line\r\n");
    f.append("INBOX", "Subject: two\r\n\r\nno final line end");
    f.append("INBOX", "Subject: three\r\n\r\n" + std::string(300, 'x') + "\r\n");
    f.append("INBOX", "Subject: four\r\n\r\nfour\r\n");
    auto drop = open_drop(f);
    ReadAhead ahead;
    SUBCASE("within the budget, until a message does not fit")
    {
        ahead.fill(*drop, 1, 200);   // after message 1: two fits, three (about 340 bytes) does not
        auto two = ahead.take(2);
        REQUIRE(two);
        CHECK(two->body == retr_body("Subject: two\n\nno final line end"));
        CHECK(two->end == "\r\n.\r\n");
        CHECK_FALSE(ahead.take(3));
    }
    SUBCASE("a RETR out of order drops everything read ahead")
    {
        ahead.fill(*drop, 0, 1 << 20);
        auto one = ahead.take(1);
        REQUIRE(one);
        CHECK(one->body == "Subject: one\r\n\r\n..dot line\r\n");
        CHECK(one->end == ".\r\n");
        CHECK_FALSE(ahead.take(3));   // 2 was next
        CHECK_FALSE(ahead.take(2));   // and is gone with the rest
    }
    SUBCASE("nothing after the last message")
    {
        ahead.fill(*drop, 4, 1 << 20);
        CHECK_FALSE(ahead.take(4));
    }
}

TEST_CASE("read-ahead stops at a message that cannot be read")
{
    StoreFixture f;
    f.append("INBOX", "Subject: one\r\n\r\none\r\n");
    f.append("INBOX", "Subject: two\r\n\r\ntwo\r\n");
    f.append("INBOX", "Subject: three\r\n\r\nthree\r\n");
    auto drop = open_drop(f);
    {
        auto view = f.open("INBOX");
        const Uid two = 2;
        REQUIRE(view->update_flags(std::span(&two, 1), {FlagChange::Mode::add, flag_deleted, {}}));
        REQUIRE(view->expunge(std::nullopt));
    }
    ReadAhead ahead;
    ahead.fill(*drop, 0, 1 << 20);
    CHECK(ahead.take(1));
    CHECK_FALSE(ahead.take(2));   // expunged: RETR itself answers for it
}
