// tests/unit/mailstore/store_fixture.hpp - a user store in a temp directory, and helpers to
// append and read messages, and to sync until a change behind the store's back is seen, for the
// store tests.
#pragma once
#include "mailstore/store.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/unit/result_printer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

struct StoreFixture {
    TempDir dir;
    mailroom::mailstore::MailLocation location;
    std::unique_ptr<mailroom::mailstore::UserStore> store;

    explicit StoreFixture(mailroom::mailstore::MailFormat inbox = mailroom::mailstore::MailFormat::maildir,
                          mailroom::mailstore::StoreOptions options = {})
    {
        using mailroom::mailstore::MailFormat;
        location.home = dir.path;
        location.inbox_format = inbox;
        location.folder_format = inbox;
        if (inbox == MailFormat::maildir) {
            location.inbox = location.folder_root = location.index_root = dir.path / "Maildir";
        } else {
            location.inbox = dir.path / "inbox";
            location.folder_root = dir.path / "mail";
            location.index_root = dir.path / ".mailroom";
        }
        options.lock_timeout = std::chrono::milliseconds(2000);
        reopen(options);
    }

    void reopen(const mailroom::mailstore::StoreOptions& options = {})
    {
        store.reset();
        auto opened = mailroom::mailstore::open_user_store(location, options);
        REQUIRE(opened);
        store = std::move(*opened);
    }

    mailroom::mailstore::Uid append(std::string_view mailbox, std::string_view message, std::uint8_t flags = 0,
                                    std::vector<std::string> keywords = {})
    {
        mailroom::mailstore::AppendOptions options;
        options.flags = flags;
        options.keywords = std::move(keywords);
        options.internal_date = 1700000000;
        options.envelope_sender = "sender@example.com";
        auto saver = store->begin_append(mailbox, options);
        REQUIRE(saver);
        // In two pieces, split inside a CRLF, as a network read might deliver it.
        const auto half = message.find("\r\n");
        const auto split = half == std::string_view::npos ? message.size() / 2 : half + 1;
        REQUIRE((*saver)->write(message.substr(0, split)));
        REQUIRE((*saver)->write(message.substr(split)));
        auto result = (*saver)->commit();
        REQUIRE(result);
        return result->uid;
    }

    std::unique_ptr<mailroom::mailstore::MailboxView> open(std::string_view mailbox, bool read_only = false)
    {
        auto view = store->open(mailbox, read_only);
        REQUIRE(view);
        return std::move(*view);
    }
};

inline std::string content_of(mailroom::mailstore::MailboxView& view, mailroom::mailstore::Uid uid)
{
    auto content = view.open_content(uid);
    REQUIRE(content);
    auto data = (*content)->read_all();
    REQUIRE(data);
    return *data;
}

inline std::vector<mailroom::mailstore::Uid> uids_of(const mailroom::mailstore::MailboxView& view)
{
    std::vector<mailroom::mailstore::Uid> out;
    for (const auto& r : view.messages())
        out.push_back(r.uid);
    return out;
}

// Syncs until `done(view)`, or 2 s, and returns every change seen: a change another program
// made is looked at once inotify has reported it, which may come just after the write.
template <class Done>
mailroom::mailstore::SyncChanges sync_until(mailroom::mailstore::MailboxView& view, Done done)
{
    mailroom::mailstore::SyncChanges all;
    for (int tries = 0; tries < 200; ++tries) {
        auto changes = view.sync();
        REQUIRE(changes);
        for (auto [from, to] : {std::pair{&changes->expunged, &all.expunged},
                                {&changes->flags_changed, &all.flags_changed},
                                {&changes->added, &all.added},
                                {&changes->recent, &all.recent}})
            to->insert(to->end(), from->begin(), from->end());
        all.keywords_changed = all.keywords_changed || changes->keywords_changed;
        if (done(view))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return all;
}
