// delivery/actions/journaled_store.cpp - intent lines around mailstore's commit steps, and
// their replay after a crash (see journaled_store.hpp).
#include "delivery/actions/journaled_store.hpp"

#include "core/util/strings.hpp"
#include "mailstore/safe_file.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace mailroom::delivery {
namespace {

namespace fs = std::filesystem;
using lmtp::StoreIntent;
using mailstore::FolderDelivery;
using mailstore::Result;

std::string sha256_hex(std::string_view bytes)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return core::to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

// mailstore's CommitObserver for one store: the intent line before the commit step, a cancel
// line when mailstore undoes it. A line that cannot be written costs only the protection
// against a second copy, so the store goes on (as it did before the record had intents).
class IntentWriter final : public mailstore::CommitObserver {
public:
    IntentWriter(lmtp::HandoffRecord& record, std::string_view recipient, std::size_t ordinal, std::string target,
                 const core::Logger& log)
        : record_(record), recipient_(recipient), log_(log)
    {
        intent_.ordinal = ordinal;
        intent_.target = std::move(target);
    }

    void before_maildir_commit(const fs::path& tmp, const fs::path& target) override
    {
        intent_.kind = StoreIntent::Kind::maildir;
        intent_.tmp_name = "tmp/" + tmp.filename().string();
        intent_.new_name = target.parent_path().filename().string() + "/" + target.filename().string();
        announce();
    }

    void before_mbox_append(std::uint64_t offset, std::string_view bytes) override
    {
        intent_.kind = StoreIntent::Kind::mbox;
        intent_.offset = offset;
        intent_.length = bytes.size();
        try {
            intent_.digest = sha256_hex(bytes);
        } catch (const std::exception& e) {
            log_.warning(std::string("hand-off record: ") + e.what() + " (a crash now could repeat this copy)");
            return;
        }
        announce();
    }

    void abandoned() override
    {
        if (!announced_)
            return;
        announced_ = false;
        try {
            record_.record_cancel(recipient_, intent_.ordinal, intent_.target);
        } catch (const std::exception& e) {
            // The copy is being undone: a retry that believed the old intent would lose it.
            log_.warning(std::string("hand-off record: ") + e.what() + " (a retry may take an undone copy for stored)");
        }
    }

private:
    void announce()
    {
        try {
            record_.record_intent(recipient_, intent_);
            announced_ = true;
        } catch (const std::exception& e) {
            log_.warning(std::string("hand-off record: ") + e.what() + " (a crash now could repeat this copy)");
        }
    }

    lmtp::HandoffRecord& record_;
    std::string_view recipient_;
    const core::Logger& log_;
    StoreIntent intent_;
    bool announced_ = false;
};

// Whether `file` holds the bytes `intent` announced, at its offset: then the append finished
// (a torn one is shorter or differs, and the next append's repair cuts it out). The bytes are
// fsync'd before the answer, since the crash may have come before the appender's fsync.
Result<bool> mbox_holds(const fs::path& file, const StoreIntent& intent)
{
    mailstore::FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return false;
        return mailstore::errno_error(errno, "cannot open", file.string());
    }
    std::string bytes(intent.length, '\0');
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::pread(fd.get(), bytes.data() + done, bytes.size() - done,
                                  static_cast<off_t>(intent.offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return mailstore::errno_error(errno, "cannot read", file.string());
        if (n == 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    if (sha256_hex(bytes) != intent.digest)
        return false;
    if (auto synced = mailstore::fsync_file(fd.get(), file.string()); !synced)
        return synced.error();
    if (auto synced = mailstore::fsync_directory(file.parent_path().empty() ? fs::path(".") : file.parent_path());
        !synced)
        return synced.error();
    return true;
}

}  // namespace

bool StoreJournal::next_is_recorded(const fs::path& target) const
{
    return record_.intent(recipient_, stores_ + 1, target.string()).has_value();
}

void StoreJournal::destination_delivered(const std::string& key)
{
    try {
        record_.record_destination(key);
    } catch (const std::exception& e) {   // the recipient's done line still counts
        log_.warning(std::string("hand-off record: ") + e.what());
    }
}

Result<FolderDelivery> StoreJournal::maildir(const fs::path& dir, std::string_view copy)
{
    const std::size_t ordinal = ++stores_;
    const auto intent = record_.intent(recipient_, ordinal, dir.string());
    if (intent && intent->kind == StoreIntent::Kind::maildir) {
        const fs::path target = dir / intent->new_name;
        auto completed = mailstore::complete_maildir_delivery(dir / intent->tmp_name, target);
        if (!completed)
            return completed.error();
        if (*completed) {
            log_.info("to=<" + recipient_ + ">: " + target.string() + " was stored before a crash (hand-off record)");
            return FolderDelivery{target, copy.size()};
        }
    }
    IntentWriter writer(record_, recipient_, ordinal, dir.string(), log_);
    mailstore::MaildirDeliveryOptions options;
    options.observer = &writer;
    return mailstore::deliver_to_maildir(dir, copy, options);
}

Result<FolderDelivery> StoreJournal::mbox(const fs::path& file, std::string_view copy,
                                          mailstore::MboxDeliveryOptions options)
{
    const std::size_t ordinal = ++stores_;
    const auto intent = record_.intent(recipient_, ordinal, file.string());
    if (intent && intent->kind == StoreIntent::Kind::mbox) {
        auto held = mbox_holds(file, *intent);
        if (!held)
            return held.error();
        if (*held) {
            log_.info("to=<" + recipient_ + ">: " + file.string() + " holds the copy appended at offset " +
                      std::to_string(intent->offset) + " before a crash (hand-off record)");
            return FolderDelivery{file, intent->length};
        }
    }
    IntentWriter writer(record_, recipient_, ordinal, file.string(), log_);
    options.observer = &writer;
    return mailstore::deliver_to_mbox(file, copy, options);
}

Result<FolderDelivery> store_maildir(StoreJournal* journal, const fs::path& dir, std::string_view copy)
{
    return journal ? journal->maildir(dir, copy) : mailstore::deliver_to_maildir(dir, copy, {});
}

Result<FolderDelivery> store_mbox(StoreJournal* journal, const fs::path& file, std::string_view copy,
                                  const mailstore::MboxDeliveryOptions& options)
{
    return journal ? journal->mbox(file, copy, options) : mailstore::deliver_to_mbox(file, copy, options);
}

}  // namespace mailroom::delivery
