// pop3/read_ahead.cpp - RETR read-ahead (see read_ahead.hpp).
#include "pop3/read_ahead.hpp"

#include "pop3/message_encoder.hpp"

#include <span>
#include <vector>

namespace mailroom::pop3 {

void ReadAhead::fill(Maildrop& drop, std::size_t from, std::size_t budget)
{
    const auto& list = drop.messages();
    std::vector<char> buffer;
    for (std::size_t i = from; i < list.size() && list[i].size <= budget; ++i) {
        auto content = drop.open_content(list[i].uid);
        if (!content)
            return;
        buffer.resize((*content)->size());
        for (std::size_t got = 0; got < buffer.size();) {
            auto n = (*content)->read(got, std::span(buffer).subspan(got));
            if (!n || *n == 0)
                return;   // an error, or a file shorter than it was
            got += *n;
        }
        EncodedMessage message{list[i].uid, {}, {}};
        message.body.reserve(list[i].size);
        MessageEncoder encoder;
        encoder.encode(std::string_view(buffer.data(), buffer.size()), message.body);
        encoder.finish(message.end);
        budget -= std::min(budget, message.body.size());
        messages_.push_back(std::move(message));
    }
}

std::optional<EncodedMessage> ReadAhead::take(mailstore::Uid uid)
{
    if (messages_.empty() || messages_.front().uid != uid) {
        messages_.clear();
        return std::nullopt;
    }
    EncodedMessage message = std::move(messages_.front());
    messages_.pop_front();
    return message;
}

}  // namespace mailroom::pop3
