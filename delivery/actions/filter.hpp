// delivery/actions/filter.hpp - the filter step of a mailbox delivery: the site's and the
// user's procmailrc (filters/, procmailrc(5)) run over the copy with the user's rights, and
// the folders it picks are written with mailstore's writers ("filters decide, delivery acts").
// Internal to delivery/actions/.
#pragma once
#include "delivery/actions/actions.hpp"
#include "mailstore/location.hpp"

#include <optional>
#include <string_view>

namespace mailroom::delivery {

// nullopt when no filter applies (no site rc configured and no usable rc file in
// filter_rc_path): the caller stores into INBOX itself. Otherwise the outcome: success when
// the filter delivered (to its folders, $DEFAULT = INBOX, forwards or programs), a temporary
// failure when it could not deliver anywhere (nothing is lost), or the status for EXITCODE.
std::optional<Status> run_filters(const MessageContext& context, const Destination& destination,
                                  const mailstore::MailLocation& location, std::string_view copy);

}  // namespace mailroom::delivery
