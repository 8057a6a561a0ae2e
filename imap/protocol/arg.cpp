// imap/protocol/arg.cpp - Arg helpers and the verbose-log form of a command (see arg.hpp).
#include "imap/protocol/arg.hpp"

#include "core/util/strings.hpp"

namespace mailroom::imap {
namespace {

constexpr std::size_t literal_log_max = 80;

void describe_args(std::string& out, const std::vector<Arg>& args, std::size_t hide_from, std::size_t hide_to)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0)
            out += ' ';
        const Arg& arg = args[i];
        if (i >= hide_from && i < hide_to) {
            out += "<hidden>";
        } else if (arg.is_list()) {
            out += '(';
            describe_args(out, arg.items, 0, 0);
            out += ')';
        } else if (arg.streamed || (arg.kind == Arg::Kind::literal && arg.text.size() > literal_log_max)) {
            out += "<literal of " + std::to_string(arg.streamed ? 0 : arg.text.size()) + " bytes>";
        } else if (arg.is_string()) {
            out += '"';
            for (char c : arg.text) {
                if (c == '"' || c == '\\')
                    out += '\\';
                out += c;
            }
            out += '"';
        } else {
            out += arg.text;
        }
    }
}

}  // namespace

bool Arg::is_nil() const { return kind == Kind::atom && core::iequals(text, "NIL"); }

std::string describe_command(const Command& command)
{
    std::string out = command.tag + " " + command.name;
    if (command.args.empty())
        return out;
    out += ' ';
    // LOGIN user password; AUTHENTICATE mechanism initial-response.
    const std::size_t hide_from = command.name == "LOGIN" || command.name == "AUTHENTICATE" ? 1 : 0;
    describe_args(out, command.args, hide_from, hide_from ? command.args.size() : 0);
    return out;
}

}  // namespace mailroom::imap
