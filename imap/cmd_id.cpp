// imap/cmd_id.cpp - ID (RFC 2971) and NAMESPACE (RFC 2342): what the server says about
// itself. One personal namespace, "" with '/' as separator; no shared or other users'.
#include "imap/commands.hpp"
#include "imap/render/imap_string.hpp"

namespace mailroom::imap {
namespace {

// RFC 2971 section 3.3: at most 30 field-value pairs; fields at most 30 octets, values 1024.
constexpr std::size_t id_pairs_max = 30;
constexpr std::size_t id_field_max = 30;
constexpr std::size_t id_value_max = 1024;

}  // namespace

Reply cmd_id(CommandContext& cx)
{
    std::string client;
    if (!cx.args.take_atom("NIL")) {
        const Arg* list = cx.args.list("ID parameter list");
        if (list && (list->items.size() % 2 != 0 || list->items.size() > 2 * id_pairs_max))
            cx.args.fail("Invalid ID parameter list");
        for (std::size_t i = 0; list && cx.args.ok() && i < list->items.size(); i += 2) {
            const Arg& field = list->items[i];
            const Arg& value = list->items[i + 1];
            if (!field.is_string() || field.text.size() > id_field_max ||
                !(value.is_string() || value.is_nil()) || value.text.size() > id_value_max)
                cx.args.fail("Invalid ID parameter list");
            else
                client += (client.empty() ? "" : ", ") + field.text + "=" + (value.is_nil() ? "NIL" : value.text);
        }
    }
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    if (!client.empty())
        cx.session.log().verbose("client id: " + client);
    cx.session.out() += "* ID (\"name\" \"mailroom\" \"version\" \"" MAILROOM_IMAP_VERSION "\")\r\n";
    return Reply::ok("ID completed.");
}

Reply cmd_namespace(CommandContext& cx)
{
    cx.args.end();
    if (!cx.args.ok())
        return Reply::bad(cx.args.error());
    cx.session.out() += "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n";
    return Reply::ok("Namespace completed.");
}

}  // namespace mailroom::imap
