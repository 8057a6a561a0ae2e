// core/auth/passwd_file.hpp - Dovecot's passwd-file format, so existing users files work
// unchanged: user[@domain]:password:uid:gid:gecos:home:shell:extra_fields
// (extra fields are space-separated key=value; "userdb_" keys are user settings).
#pragma once
#include "core/auth/user_database.hpp"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mailroom::core {

struct PasswdFileEntries {
    std::map<std::string, User, std::less<>> users;   // by normalized name
    std::vector<std::string> errors;                  // "FILE:LINE: message"
};

// Parses the text of a passwd-file; bad lines are reported and skipped.
PasswdFileEntries parse_passwd_file(std::string_view text, const std::string& file_name,
                                    bool local_part_case_sensitive);

class PasswdFile final : public UserDatabase {
public:
    PasswdFile(std::string path, UserDatabaseOptions options);
    UserLookup lookup(std::string_view name) override;
    std::string description() const override { return "passwd-file:" + path_; }

private:
    // Re-reads the file when its inode, size or modification time changed.
    bool refresh(std::string& error);

    std::string path_;
    UserDatabaseOptions options_;
    std::mutex mutex_;
    struct stat loaded_ {};
    bool loaded_ok_ = false;
    std::shared_ptr<const PasswdFileEntries> entries_;
};

}  // namespace mailroom::core
