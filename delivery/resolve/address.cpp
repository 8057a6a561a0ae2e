// delivery/resolve/address.cpp - address splitting and extensions (see address.hpp).
#include "delivery/resolve/address.hpp"

#include "core/util/strings.hpp"

namespace mailroom::delivery {

std::string unquote_local_part(std::string_view address)
{
    if (!address.starts_with('"'))
        return std::string(address);
    std::string out;
    std::size_t i = 1;
    for (; i < address.size() && address[i] != '"'; ++i) {
        if (address[i] == '\\' && i + 1 < address.size())
            ++i;
        out += address[i];
    }
    if (i >= address.size())
        return std::string(address);   // unbalanced quote: leave it as it came
    out.append(address.substr(i + 1));
    return out;
}

AddressParts split_address(std::string_view address, const SplitOptions& options)
{
    AddressParts parts;
    const std::string plain = unquote_local_part(address);
    const auto at = plain.rfind('@');
    std::string local = at == std::string::npos ? plain : plain.substr(0, at);
    if (at != std::string::npos)
        parts.domain = core::to_lower(std::string_view(plain).substr(at + 1));
    parts.local = options.fold_case ? core::to_lower(local) : local;
    parts.user = parts.local;

    const std::string lower = core::to_lower(parts.local);
    const bool special = options.owner_request_special &&
                         (lower.starts_with("owner-") || (lower.size() > 8 && lower.ends_with("-request")));
    if (options.delimiters.empty() || special)
        return parts;
    const auto cut = parts.local.find_first_of(options.delimiters, 1);
    if (cut == std::string::npos)
        return parts;
    std::string extension = parts.local.substr(cut + 1);
    parts.user = parts.local.substr(0, cut);
    if (extension.find('/') != std::string::npos) {
        // Not a usable extension: drop it from the address as well (local(8) does the same).
        parts.local = parts.user;
        return parts;
    }
    parts.delimiter = std::string(1, parts.local[cut]);
    parts.extension = std::move(extension);
    return parts;
}

bool same_address(std::string_view a, std::string_view b) { return core::iequals(a, b); }

}  // namespace mailroom::delivery
