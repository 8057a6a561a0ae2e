// filters/message.hpp - the message as procmail holds it (procmail(1) MISCELLANEOUS): a
// leading From_ line, the header up to and including the first empty line, the body; the
// search areas for H, B and HB (continued header lines joined by a blank for matching only);
// and the bytes a recipe hands to a destination (h/b/r flags).
#pragma once
#include <ctime>
#include <string>
#include <string_view>

#include "filters/regex.hpp"

namespace mailroom::filters {

class MailMessage {
public:
    // `bytes` uses LF line ends. When it does not start with "From ", a From_ line
    // "From <sender>  <ctime(arrival)>" is put in front, as procmail -f does (an empty sender
    // stays empty, as with procmail -f "").
    MailMessage(std::string_view bytes, std::string_view envelope_sender, std::time_t arrival);

    const std::string& text() const { return text_; }
    std::size_t size() const { return text_.size(); }
    std::string_view header() const { return std::string_view(text_).substr(0, body_); }
    std::string_view body() const { return std::string_view(text_).substr(body_); }
    bool has_from_line() const { return text_.starts_with("From "); }

    // Search areas ("\n" + area + "\n" subjects, built on first use).
    SearchArea header_area() const;
    SearchArea body_area() const;
    SearchArea whole_area() const;

    // After a filter: replace everything, only the header, or only the body.
    void replace_all(std::string text);
    void replace_header(std::string_view header);
    void replace_body(std::string_view body);

private:
    void split();

    std::string text_;
    std::size_t body_ = 0;  // offset of the body (just past the empty line ending the header)
    mutable std::string header_subject_, body_subject_, whole_subject_;
    mutable bool header_ready_ = false, body_ready_ = false, whole_ready_ = false;
};

// The bytes a recipe passes on: header and/or body (h, b), minus the leading From_ line when
// `drop_from_line` (forwarding, Maildir), with a newline appended unless `raw` or the text
// already ends in an empty line (procmail's dump(): "ensure the mail ends with an empty line").
std::string recipe_payload(const MailMessage& message, bool head, bool body, bool raw, bool drop_from_line);

// procmail's skipFrom_(): the text after a leading From_ line and any '>' lines that follow.
std::string_view skip_from_line(std::string_view text);

// The From_ line procmail writes: "From sender  Fri Nov 27 04:03:19 2026".
std::string make_from_line(std::string_view sender, std::time_t when);

}  // namespace mailroom::filters
