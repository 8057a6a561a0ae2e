// tests/unit/delivery/test_trace_headers.cpp - Return-Path, Delivered-To, Received headers and
// the Delivered-To: scan used for loop detection.
#include "delivery/trace_headers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mailroom::delivery;

TEST_CASE("Delivered-To: values are found in the header section only, folded and case-insensitive")
{
    const std::string message =
        "Received: x\n"
        "DELIVERED-TO: Rich@Example.COM\n"
        "Delivered-To:\n katie+cats@example.com\n"
        "Subject: Delivered-To: not@this.one\n"
        "\n"
        "Delivered-To: body@example.com\n";
    const auto found = delivered_to_addresses(message);
    CHECK(found == std::set<std::string, std::less<>>{"rich@example.com", "katie+cats@example.com"});
    CHECK(delivered_to_addresses("").empty());
    CHECK(delivered_to_addresses("\nDelivered-To: a@b\n").empty());
    CHECK(delivered_to_addresses("Delivered-To: a@b").contains("a@b"));
    CHECK(delivered_to_addresses("Delivered-To: a@b\r\n\r\n").contains("a@b"));
}

TEST_CASE("trace headers: client text is reduced to one line")
{
    TraceInfo trace{"ABC123", "mail.example.com", "evil\r\nInjected: yes", "192.0.2.1", "LMTP", 0};
    const std::string received = received_header(trace, "rich@example.com");
    CHECK(received.starts_with("Received: from evil Injected: yes ([192.0.2.1])\n\tby mail.example.com (mailroom) with LMTP id ABC123\n\tfor <rich@example.com>; "));
    CHECK(received.ends_with("\n"));
    CHECK(std::count(received.begin(), received.end(), '\n') == 3);
    trace.client_address = "unix";
    CHECK(received_header(trace, "").find("(unix socket)") != std::string::npos);
    trace.client_address.clear();
    CHECK(received_header(trace, "").starts_with("Received: by mail.example.com (mailroom) with LMTP id ABC123; "));
    CHECK(return_path_header("") == "Return-Path: <>\n");
    CHECK(delivered_to_header("a@b") == "Delivered-To: a@b\n");
    CHECK(from_line("", 0).starts_with("From MAILER-DAEMON  "));
    CHECK(rfc5322_date(0).size() >= 30);
}

TEST_CASE("trace lines an MTA already put on top are recognised; deeper ones are not")
{
    const std::string message = "Return-Path: <a@b>\nX-Original-To: r@x\nDelivered-To: R@X\n"
                                "Received: by x;\n\tFri, 27 Nov 2026\nSubject: s\nDelivered-To: late@x\n\nbody\n";
    CHECK(has_leading_trace_line(message, "Return-Path: <a@b>"));
    CHECK(has_leading_trace_line(message, "delivered-to: r@x"));
    CHECK_FALSE(has_leading_trace_line(message, "Delivered-To: late@x"));
    CHECK_FALSE(has_leading_trace_line(message, "Return-Path: <other@b>"));
    CHECK_FALSE(has_leading_trace_line("Subject: s\nReturn-Path: <a@b>\n", "Return-Path: <a@b>"));
    CHECK_FALSE(has_leading_trace_line("", "Return-Path: <>"));
}
