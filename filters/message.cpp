// filters/message.cpp - message layout for filtering (procmail(1) MISCELLANEOUS: continued
// header fields are concatenated for matching only; procmail's readmail() header/body split).
#include "filters/message.hpp"

namespace mailroom::filters {

std::string make_from_line(std::string_view sender, std::time_t when)
{
    char date[32];
    struct tm tm_buf;
    localtime_r(&when, &tm_buf);
    std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm_buf);
    std::string line = "From ";
    line += sender;
    line += "  ";
    line += date;
    line += '\n';
    return line;
}

MailMessage::MailMessage(std::string_view bytes, std::string_view envelope_sender, std::time_t arrival)
{
    while (bytes.starts_with('\n'))  // procmail drops empty lines in front of the message
        bytes.remove_prefix(1);
    if (!bytes.starts_with("From "))
        text_ = make_from_line(envelope_sender, arrival);
    text_.append(bytes);
    split();
}

void MailMessage::split()
{
    header_ready_ = body_ready_ = whole_ready_ = false;
    std::size_t start = 0;
    while (start < text_.size() && text_[start] == '\n')  // procmail skips leading empty lines
        ++start;
    if (start < text_.size()) {
        const std::size_t blank = text_.find("\n\n", start);
        body_ = blank == std::string::npos ? text_.size() : blank + 2;
    } else {
        body_ = text_.size();
    }
}

SearchArea MailMessage::header_area() const
{
    if (!header_ready_) {
        std::string area(header());
        // A newline that starts a continuation line counts as a blank while matching.
        for (std::size_t i = 0; i + 1 < area.size(); ++i)
            if (area[i] == '\n' && (area[i + 1] == ' ' || area[i + 1] == '\t'))
                area[i] = ' ';
        header_subject_ = make_subject(area);
        header_ready_ = true;
    }
    return {header_subject_};
}

SearchArea MailMessage::body_area() const
{
    if (!body_ready_) {
        body_subject_ = make_subject(body());
        body_ready_ = true;
    }
    return {body_subject_};
}

SearchArea MailMessage::whole_area() const
{
    if (!whole_ready_) {
        const SearchArea h = header_area();
        whole_subject_.assign(h.subject.substr(0, h.subject.size() - 1));
        whole_subject_.append(body());
        whole_subject_.push_back('\n');
        whole_ready_ = true;
    }
    return {whole_subject_};
}

void MailMessage::replace_all(std::string text)
{
    text_ = std::move(text);
    split();
}

void MailMessage::replace_header(std::string_view header)
{
    std::string body_text(body());
    text_.assign(header);
    text_ += body_text;
    split();
}

void MailMessage::replace_body(std::string_view body)
{
    text_.resize(body_);
    text_.append(body);
    header_ready_ = body_ready_ = whole_ready_ = false;  // the header stays where it was
}

std::string_view skip_from_line(std::string_view text)
{
    if (!text.starts_with("From "))
        return text;
    std::size_t pos = 0;
    do {
        const std::size_t nl = text.find('\n', pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
    } while (pos < text.size() && text[pos] == '>');
    return text.substr(pos);
}

std::string recipe_payload(const MailMessage& message, bool head, bool body, bool raw, bool drop_from_line)
{
    std::string_view part;
    if (head && !body)
        part = message.header();
    else if (body && !head)
        part = message.body();
    else
        part = message.text();
    const bool from_start = head || !body;  // the part starts at the beginning of the mail
    if (drop_from_line && from_start)
        part = skip_from_line(part);
    std::string out(part);
    if (!raw && !(out.size() >= 2 && out.ends_with("\n\n")))
        out.push_back('\n');
    return out;
}

}  // namespace mailroom::filters
