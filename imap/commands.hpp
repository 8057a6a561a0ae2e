// imap/commands.hpp - every command handler, one cmd_*.cpp per command or small family
// (Dovecot's src/imap/cmd-*.c). Each is parse -> check -> one store call -> reply.
#pragma once
#include "imap/command.hpp"

namespace mailroom::imap {

Reply cmd_capability(CommandContext& cx);     // cmd_capability.cpp
Reply cmd_enable(CommandContext& cx);         // cmd_capability.cpp (RFC 5161)
Reply cmd_id(CommandContext& cx);             // cmd_id.cpp (RFC 2971)
Reply cmd_namespace(CommandContext& cx);      // cmd_id.cpp (RFC 2342)
Reply cmd_noop(CommandContext& cx);           // cmd_noop.cpp
Reply cmd_check(CommandContext& cx);          // cmd_noop.cpp
Reply cmd_logout(CommandContext& cx);         // cmd_noop.cpp
Reply cmd_starttls(CommandContext& cx);       // cmd_login.cpp
Reply cmd_login(CommandContext& cx);          // cmd_login.cpp
Reply cmd_authenticate(CommandContext& cx);   // cmd_login.cpp
Reply cmd_select(CommandContext& cx);         // cmd_select.cpp (SELECT, EXAMINE)
Reply cmd_close(CommandContext& cx);          // cmd_select.cpp
Reply cmd_unselect(CommandContext& cx);       // cmd_select.cpp (RFC 3691)
Reply cmd_create(CommandContext& cx);         // cmd_create.cpp
Reply cmd_delete(CommandContext& cx);         // cmd_create.cpp
Reply cmd_rename(CommandContext& cx);         // cmd_create.cpp
Reply cmd_subscribe(CommandContext& cx);      // cmd_create.cpp (SUBSCRIBE, UNSUBSCRIBE)
Reply cmd_list(CommandContext& cx);           // cmd_list.cpp (RFC 5258, 5819, 6154)
Reply cmd_lsub(CommandContext& cx);           // cmd_list.cpp
Reply cmd_status(CommandContext& cx);         // cmd_status.cpp
Reply cmd_append(CommandContext& cx);         // cmd_append.cpp (RFC 4315 APPENDUID)
Reply cmd_expunge(CommandContext& cx);        // cmd_expunge.cpp (EXPUNGE, UID EXPUNGE)
Reply cmd_copy(CommandContext& cx);           // cmd_copy.cpp (RFC 4315 COPYUID)
Reply cmd_move(CommandContext& cx);           // cmd_copy.cpp (RFC 6851)
Reply cmd_store(CommandContext& cx);          // cmd_store.cpp (RFC 7162 UNCHANGEDSINCE)
Reply cmd_fetch(CommandContext& cx);          // cmd_fetch.cpp
Reply cmd_search(CommandContext& cx);         // cmd_search.cpp (RFC 4731 ESEARCH)
Reply cmd_idle(CommandContext& cx);           // cmd_noop.cpp (RFC 2177; the waiting is idle_loop.cpp's)
Reply cmd_getquota(CommandContext& cx);       // cmd_quota.cpp (RFC 9208)
Reply cmd_getquotaroot(CommandContext& cx);   // cmd_quota.cpp
Reply cmd_setquota(CommandContext& cx);       // cmd_quota.cpp

}  // namespace mailroom::imap
