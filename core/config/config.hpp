// core/config/config.hpp - the configuration snapshot: mailroom.conf (main.cf syntax) read
// against the parameter tables of the linked modules, expanded ($name, lazily, with loop
// detection) and validated. Immutable once loaded; a reload builds a new snapshot and
// running sessions keep the one they started with.
#pragma once
#include "core/config/config_file.hpp"
#include "core/config/expansion.hpp"
#include "core/config/parameter.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::core {

class Config {
public:
    struct LoadResult {
        std::shared_ptr<const Config> config;   // null when there are errors
        std::vector<ConfigError> errors;        // bad syntax, bad values, expansion loops
        std::vector<ConfigError> warnings;      // unknown parameters, undefined $names
    };

    // Reads `path` and validates every known parameter. Nothing half-configured comes
    // out: any error gives a null config.
    static LoadResult load_file(const std::string& path, std::vector<ParameterTable> tables);
    static LoadResult load_text(std::string_view text, const std::string& file_name,
                                std::vector<ParameterTable> tables);

    // Typed, expanded values of known parameters. Asking for a parameter no table declares
    // is a programming error and throws std::out_of_range naming it.
    const std::string& get(std::string_view name) const;
    const std::vector<std::string>& get_list(std::string_view name) const;
    bool get_bool(std::string_view name) const;
    std::uint64_t get_number(std::string_view name) const;   // integer and size parameters
    std::chrono::milliseconds get_time(std::string_view name) const;

    // The value as written (or the default), before expansion.
    const std::string& raw(std::string_view name) const;
    bool is_set_in_file(std::string_view name) const;
    std::string origin(std::string_view name) const;   // "FILE:LINE" or "default"
    const ParameterSpec& spec(std::string_view name) const;
    bool knows(std::string_view name) const;

    // Expands text at use time (param_expand_at_use values such as forward_path): names
    // found by `local` win, then configuration parameters. Errors are returned in the
    // result, never thrown.
    ExpansionResult expand(std::string_view text, const ExpansionLookup& local) const;

    const std::string& file() const { return file_; }
    std::vector<std::string> parameter_names() const;   // every known parameter, sorted
    std::vector<std::string> names_set_in_file() const; // sorted, unknown ones included

private:
    struct Entry {
        const ParameterSpec* spec = nullptr;   // null: not declared by any table
        std::string raw;
        std::string expanded;
        std::vector<std::string> list;
        std::uint64_t number = 0;
        std::chrono::milliseconds time{0};
        bool flag = false;
        bool in_file = false;
        int line = 0;
        enum class State { pending, expanding, done } state = State::pending;
    };

    class Loader;
    const Entry& entry(std::string_view name) const;

    std::string file_;
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace mailroom::core
