// core/config/config.cpp - loading, expanding and validating the configuration snapshot.
#include "core/config/config.hpp"

#include "core/config/value_parsers.hpp"
#include "core/util/strings.hpp"

#include <set>
#include <stdexcept>

namespace mailroom::core {

// Builds a Config: collects definitions, expands lazily (a value refers to the final value
// of another parameter wherever that is defined), detects loops, and converts types.
class Config::Loader {
public:
    Loader(Config& config, LoadResult& result) : config_(config), result_(result) {}

    void declare(const std::vector<ParameterTable>& tables)
    {
        for (const auto& table : tables)
            for (const auto& spec : table) {
                auto& entry = config_.entries_[std::string(spec.name)];
                entry.spec = &spec;
                entry.raw = spec.dynamic_default ? spec.dynamic_default() : std::string(spec.default_value);
            }
    }

    void define(const ParsedConfigFile& parsed)
    {
        result_.errors.insert(result_.errors.end(), parsed.errors.begin(), parsed.errors.end());
        for (const auto& definition : parsed.definitions) {
            auto& entry = config_.entries_[definition.name];
            entry.raw = definition.value;
            entry.in_file = true;
            entry.line = definition.line;
        }
    }

    void finish()
    {
        for (auto& [name, entry] : config_.entries_) {
            if (entry.spec && (entry.spec->flags & param_expand_at_use)) {
                entry.expanded = entry.raw;   // expanded per recipient by its user
                scan_references(entry.raw);
            } else {
                expand_entry(name, entry);
            }
        }
        for (auto& [name, entry] : config_.entries_) {
            if (!entry.spec) {
                if (entry.in_file && !referenced_.contains(name))
                    warn(name, entry, "unknown parameter (ignored)");
                continue;
            }
            convert(name, entry);
        }
    }

private:
    void expand_entry(const std::string& name, Entry& entry)
    {
        if (entry.state == Entry::State::done)
            return;
        entry.state = Entry::State::expanding;
        ExpansionResult result = expand_variables(entry.raw, [&](std::string_view ref) {
            return lookup(name, entry, ref);
        });
        if (!result.error.empty())
            error(name, entry, result.error);
        entry.expanded = std::move(result.value);
        if (!entry.in_file && entry.spec && entry.spec->default_transform)
            entry.expanded = entry.spec->default_transform(entry.expanded);
        entry.state = Entry::State::done;
    }

    std::optional<std::string> lookup(const std::string& from, Entry& from_entry, std::string_view ref)
    {
        referenced_.insert(std::string(ref));
        const auto it = config_.entries_.find(ref);
        if (it == config_.entries_.end()) {
            warn(from, from_entry, "undefined parameter $" + std::string(ref) + " expands to nothing");
            return std::nullopt;
        }
        Entry& target = it->second;
        if (target.state == Entry::State::expanding) {
            error(from, from_entry, "parameter expansion loop through $" + std::string(ref));
            return std::string();
        }
        if (target.spec && (target.spec->flags & param_expand_at_use))
            return target.raw;
        expand_entry(it->first, target);
        return target.expanded;
    }

    void scan_references(std::string_view raw)
    {
        expand_variables(raw, [&](std::string_view ref) -> std::optional<std::string> {
            referenced_.insert(std::string(ref));
            return std::string();
        });
    }

    void convert(const std::string& name, Entry& entry)
    {
        const ParameterSpec& spec = *entry.spec;
        const std::string& value = entry.expanded;
        switch (spec.kind) {
        case ParamKind::string:
            break;
        case ParamKind::list:
            entry.list = split_list(value);
            break;
        case ParamKind::boolean:
            if (auto b = parse_bool(value))
                entry.flag = *b;
            else
                error(name, entry, "expected yes or no, not \"" + value + "\"");
            break;
        case ParamKind::integer:
            if (auto n = parse_uint(trim(value)))
                entry.number = *n;
            else
                error(name, entry, "expected a non-negative whole number, not \"" + value + "\"");
            break;
        case ParamKind::size:
            if (auto n = parse_size(value))
                entry.number = *n;
            else
                error(name, entry, "expected a size in bytes (optionally with k, m or g), not \"" + value + "\"");
            break;
        case ParamKind::time:
            if (auto t = parse_time(value, spec.default_time_unit))
                entry.time = *t;
            else
                error(name, entry, "expected a time (a number with an optional unit s, m, h, d or w), not \"" +
                                       value + "\"");
            break;
        }
    }

    void error(const std::string& name, const Entry& entry, std::string message)
    {
        result_.errors.push_back({config_.file_, entry.in_file ? entry.line : 0, name,
                                  entry.in_file ? std::move(message) : "default value: " + message});
    }

    void warn(const std::string& name, const Entry& entry, std::string message)
    {
        result_.warnings.push_back({config_.file_, entry.in_file ? entry.line : 0, name, std::move(message)});
    }

    Config& config_;
    LoadResult& result_;
    std::set<std::string, std::less<>> referenced_;   // names some value refers to
};

Config::LoadResult Config::load_text(std::string_view text, const std::string& file_name,
                                     std::vector<ParameterTable> tables)
{
    auto config = std::make_shared<Config>();
    config->file_ = file_name;
    LoadResult result;
    Loader loader(*config, result);
    loader.declare(tables);
    loader.define(parse_config_text(text, file_name));
    loader.finish();
    if (result.errors.empty())
        result.config = std::move(config);
    return result;
}

Config::LoadResult Config::load_file(const std::string& path, std::vector<ParameterTable> tables)
{
    auto config = std::make_shared<Config>();
    config->file_ = path;
    LoadResult result;
    Loader loader(*config, result);
    loader.declare(tables);
    loader.define(read_config_file(path));
    loader.finish();
    if (result.errors.empty())
        result.config = std::move(config);
    return result;
}

const Config::Entry& Config::entry(std::string_view name) const
{
    const auto it = entries_.find(name);
    if (it == entries_.end() || !it->second.spec)
        throw std::out_of_range("mailroom: configuration parameter \"" + std::string(name) +
                                "\" is used but not declared in any parameter table");
    return it->second;
}

const std::string& Config::get(std::string_view name) const { return entry(name).expanded; }
const std::vector<std::string>& Config::get_list(std::string_view name) const { return entry(name).list; }
bool Config::get_bool(std::string_view name) const { return entry(name).flag; }
std::uint64_t Config::get_number(std::string_view name) const { return entry(name).number; }
std::chrono::milliseconds Config::get_time(std::string_view name) const { return entry(name).time; }
const std::string& Config::raw(std::string_view name) const { return entry(name).raw; }
const ParameterSpec& Config::spec(std::string_view name) const { return *entry(name).spec; }

bool Config::knows(std::string_view name) const
{
    const auto it = entries_.find(name);
    return it != entries_.end() && it->second.spec;
}

bool Config::is_set_in_file(std::string_view name) const
{
    const auto it = entries_.find(name);
    return it != entries_.end() && it->second.in_file;
}

std::string Config::origin(std::string_view name) const
{
    const auto it = entries_.find(name);
    if (it == entries_.end() || !it->second.in_file)
        return "default";
    return file_ + ":" + std::to_string(it->second.line);
}

ExpansionResult Config::expand(std::string_view text, const ExpansionLookup& local) const
{
    return expand_variables(text, [&](std::string_view name) -> std::optional<std::string> {
        if (local)
            if (auto value = local(name))
                return value;
        const auto it = entries_.find(name);
        if (it == entries_.end())
            return std::nullopt;
        return it->second.expanded;
    });
}

std::vector<std::string> Config::parameter_names() const
{
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries_)
        if (entry.spec)
            names.push_back(name);
    return names;
}

std::vector<std::string> Config::names_set_in_file() const
{
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries_)
        if (entry.in_file)
            names.push_back(name);
    return names;
}

}  // namespace mailroom::core
