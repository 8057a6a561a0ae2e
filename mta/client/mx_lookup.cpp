// mta/client/mx_lookup.cpp - MX lookups with libresolv (see mx_lookup.hpp).
#include "mta/client/mx_lookup.hpp"

#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

#include <algorithm>
#include <cstring>

namespace mailroom::mta {
namespace {

using core::smtp::Status;

constexpr int answer_max = 64 * 1024;   // the largest DNS message (RFC 1035 4.2.2 over TCP)

}  // namespace

MxResult parse_mx_answer(const unsigned char* answer, std::size_t length, std::string_view domain)
{
    MxResult result;
    ns_msg message;
    if (ns_initparse(answer, static_cast<int>(length), &message) != 0) {
        result.status = Status::make("4.4.3", "malformed DNS answer for the MX records of " + std::string(domain));
        return result;
    }
    const int count = ns_msg_count(message, ns_s_an);
    for (int i = 0; i < count; ++i) {
        ns_rr record;
        if (ns_parserr(&message, ns_s_an, i, &record) != 0)
            continue;
        if (ns_rr_type(record) != ns_t_mx || ns_rr_rdlen(record) < 3)
            continue;
        const unsigned char* data = ns_rr_rdata(record);
        char name[NS_MAXDNAME];
        if (ns_name_uncompress(ns_msg_base(message), ns_msg_end(message), data + 2, name, sizeof name) < 0)
            continue;
        result.hosts.push_back({ns_get16(data), name});
    }
    std::stable_sort(result.hosts.begin(), result.hosts.end(),
                     [](const MxHost& a, const MxHost& b) { return a.preference < b.preference; });
    const bool null_mx = result.hosts.size() == 1 && (result.hosts[0].host.empty() || result.hosts[0].host == ".");
    if (null_mx) {
        result.hosts.clear();
        result.status = Status::make("5.1.10", "domain " + std::string(domain) + " accepts no mail (null MX)");
    } else if (result.hosts.empty()) {
        result.hosts.push_back({0, std::string(domain)});   // RFC 5321 5.1: the implicit MX
    }
    return result;
}

MxResult lookup_mx(std::string_view domain)
{
    struct __res_state state;
    std::memset(&state, 0, sizeof state);
    MxResult result;
    if (res_ninit(&state) != 0) {
        result.status = Status::make("4.4.3", "cannot initialise the DNS resolver");
        return result;
    }
    std::vector<unsigned char> answer(answer_max);
    const std::string name(domain);
    const int length = res_nquery(&state, name.c_str(), ns_c_in, ns_t_mx, answer.data(), answer_max);
    const int error = state.res_h_errno;
    res_nclose(&state);
    if (length >= 0)
        return parse_mx_answer(answer.data(), static_cast<std::size_t>(length), domain);
    if (error == HOST_NOT_FOUND)
        result.status = Status::make("5.1.2", "domain " + name + " does not exist (DNS: NXDOMAIN)");
    else if (error == NO_DATA)
        result.hosts.push_back({0, name});   // no MX, but the name exists: the implicit MX
    else
        result.status = Status::make("4.4.3", "cannot look up the MX records of " + name + " (DNS: " +
                                                  hstrerror(error) + ")");
    return result;
}

}  // namespace mailroom::mta
