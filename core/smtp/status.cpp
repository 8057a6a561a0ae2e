// core/smtp/status.cpp - reply codes for enhanced status codes, their syntax, and one-line
// reply text (see status.hpp).
#include "core/smtp/status.hpp"

namespace mailroom::core::smtp {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Status Status::make(std::string_view enhanced, std::string text)
{
    return {reply_code_for(enhanced), std::string(enhanced), std::move(text)};
}

int reply_code_for(std::string_view enhanced)
{
    if (enhanced.starts_with('2'))
        return 250;
    if (enhanced.starts_with('4'))
        return enhanced == "4.2.2" || enhanced == "4.3.1" ? 452 : enhanced.starts_with("4.2.") ? 450 : 451;
    if (enhanced == "5.2.2" || enhanced == "5.3.4" || enhanced == "5.2.3")
        return 552;
    if (enhanced.starts_with("5.1.") || enhanced.starts_with("5.2.") || enhanced.starts_with("5.7."))
        return 550;
    if (enhanced.starts_with("5.5."))
        return 501;
    return 554;
}

bool is_enhanced_code(std::string_view text)
{
    if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
        return false;
    std::size_t i = 2;
    for (int field = 0; field < 2; ++field) {
        const std::size_t start = i;
        while (i < text.size() && is_digit(text[i]))
            ++i;
        if (i == start || i - start > 3)
            return false;
        if (field == 0) {
            if (i >= text.size() || text[i] != '.')
                return false;
            ++i;
        }
    }
    return i == text.size();
}

std::string one_line(std::string_view text, std::size_t max_length)
{
    std::string out;
    bool space = false;
    for (const char c : text) {
        const bool blank = static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ';
        if (blank) {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
        if (out.size() >= max_length)
            break;
    }
    return out;
}

}  // namespace mailroom::core::smtp
