// tests/unit/core/test_server.cpp - the Asio server core on loopback: line reader limits,
// exact reads, TLS (implicit and STARTTLS), connection limits, idle timeout and graceful
// shutdown (core/net).
#include "core/net/server.hpp"
#include "core/net/tls_context.hpp"
#include "core/priv/run_command.hpp"

#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <filesystem>
#include <thread>

using namespace mailroom::core;
namespace fs = std::filesystem;
using tcp = boost::asio::ip::tcp;

namespace {

// A small line protocol: "ECHO x" -> "OK x"; over-long line -> "TOO LONG"; "READ n" then n
// bytes -> "GOT <bytes>"; "STARTTLS" -> "GO" + handshake; "BIG n" -> n long lines and "END";
// "QUIT" -> "BYE". On server shutdown the session says "SHUTDOWN".
awaitable<void> line_protocol(std::shared_ptr<Connection> c)
{
    c->set_idle_timeout(std::chrono::seconds(30));
    co_await c->write("HELLO\r\n");
    for (;;) {
        std::string line;
        const auto status = co_await c->read_line(line, 20);
        if (status == Connection::ReadStatus::closed) {
            if (c->shutdown_requested())
                co_await c->write("SHUTDOWN\r\n");
            co_return;
        }
        if (status == Connection::ReadStatus::too_long) {
            co_await c->write("TOO LONG\r\n");
        } else if (line.starts_with("ECHO ")) {
            co_await c->write("OK " + line.substr(5) + (c->tls_active() ? " tls" : "") + "\r\n");
        } else if (line.starts_with("READ ")) {
            std::string got;
            co_await c->read_exact(std::stoul(line.substr(5)), [&](std::string_view piece) { got += piece; });
            for (auto at = got.find("\r\n"); at != std::string::npos; at = got.find("\r\n"))
                got.replace(at, 2, "<CRLF>");
            co_await c->write("GOT " + got + "\r\n");
        } else if (line == "STARTTLS") {
            co_await c->write("GO\r\n");
            if (!co_await c->start_tls())
                co_return;
        } else if (line.starts_with("BIG ")) {   // a reply larger than the socket buffers
            const std::string row(60, 'x');
            for (unsigned long i = std::stoul(line.substr(4)); i > 0; --i)
                c->send(row + "\r\n");
            co_await c->write("END\r\n");
        } else if (line == "IDLE") {
            c->set_idle_timeout(std::chrono::milliseconds(200));
        } else if (line == "QUIT") {
            co_await c->write("BYE\r\n");
            co_return;
        }
    }
}

struct TestCertificate {
    fs::path dir;
    TestCertificate()
    {
        char pattern[] = "/tmp/mailroom-tls-XXXXXX";
        dir = ::mkdtemp(pattern);
        CommandSpec spec;
        spec.argv = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                     "-nodes", "-keyout", (dir / "key.pem").string(), "-out", (dir / "cert.pem").string(),
                     "-days", "1", "-subj", "/CN=localhost"};
        REQUIRE(run_command(spec).ok());
    }
    ~TestCertificate() { fs::remove_all(dir); }
    TlsSettings settings() const { return {(dir / "cert.pem").string(), (dir / "key.pem").string(), "TLSv1.2"}; }
};

std::uint16_t free_port()
{
    boost::asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    return acceptor.local_endpoint().port();
}

struct TestServer {
    Server server{2};
    std::uint16_t port = free_port();
    std::uint16_t tls_port = free_port();

    explicit TestServer(ServerLimits limits = {}, std::shared_ptr<boost::asio::ssl::context> tls = nullptr)
    {
        std::string error;
        Service plain{"test", "test_listen", {*parse_listen_address("127.0.0.1:" + std::to_string(port), error)},
                      false, "BUSY\r\n", 0666, line_protocol};
        server.add_service(plain);
        if (tls) {
            Service implicit{"tests", "tests_listen",
                             {*parse_listen_address("127.0.0.1:" + std::to_string(tls_port), error)}, true, "",
                             0666, line_protocol};
            server.add_service(implicit);
            server.set_tls_context(tls);
        }
        server.set_limits(std::move(limits));
        server.start();
    }
    ~TestServer()
    {
        // Sessions end at once when asked; the grace only bounds a reply still being written,
        // which under the sanitizers on a busy machine takes seconds for 6 MB.
        server.stop(std::chrono::seconds(20));
        server.wait();
    }
};

// A blocking client over plain TCP or TLS.
struct Client {
    boost::asio::io_context io;
    tcp::socket socket{io};
    boost::asio::ssl::context tls_context{boost::asio::ssl::context::tls_client};
    std::unique_ptr<boost::asio::ssl::stream<tcp::socket&>> tls;
    boost::asio::streambuf buffer;

    explicit Client(std::uint16_t port)
    {
        socket.connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), port));
    }
    void upgrade()
    {
        tls = std::make_unique<boost::asio::ssl::stream<tcp::socket&>>(socket, tls_context);
        tls->handshake(boost::asio::ssl::stream_base::client);
    }
    void send(std::string_view text)
    {
        if (tls)
            boost::asio::write(*tls, boost::asio::buffer(text));
        else
            boost::asio::write(socket, boost::asio::buffer(text));
    }
    // The next line without CRLF, or "<closed>".
    std::string line()
    {
        boost::system::error_code ec;
        if (tls)
            boost::asio::read_until(*tls, buffer, "\r\n", ec);
        else
            boost::asio::read_until(socket, buffer, "\r\n", ec);
        if (ec)
            return "<closed>";
        std::string text(boost::asio::buffers_begin(buffer.data()), boost::asio::buffers_end(buffer.data()));
        const auto end = text.find("\r\n");
        buffer.consume(end + 2);
        return text.substr(0, end);
    }
};

}  // namespace

TEST_CASE("line reader: lines, over-long lines, bare LF, exact reads, pipelining")
{
    TestServer test;
    Client client(test.port);
    CHECK(client.line() == "HELLO");
    client.send("ECHO one\r\n");
    CHECK(client.line() == "OK one");
    client.send("ECHO " + std::string(5000, 'x') + "\r\nECHO after\r\n");
    CHECK(client.line() == "TOO LONG");
    CHECK(client.line() == "OK after");
    client.send("ECHO bare lf\n");
    CHECK(client.line() == "OK bare lf");
    client.send("READ 10\r\n0123\r\n6789ECHO piped\r\n");
    CHECK(client.line() == "GOT 0123<CRLF>6789");
    CHECK(client.line() == "OK piped");
    client.send("ECHO exactly-15-ch\r\n");   // 20 bytes: at the limit
    CHECK(client.line() == "OK exactly-15-ch");
    client.send("QUIT\r\n");
    CHECK(client.line() == "BYE");
    CHECK(client.line() == "<closed>");
}

TEST_CASE("a line longer than the limit sent slowly in pieces is still refused, and memory stays bounded")
{
    TestServer test;
    Client client(test.port);
    CHECK(client.line() == "HELLO");
    for (int i = 0; i < 200; ++i)
        client.send(std::string(1000, 'y'));
    client.send("\r\nECHO still here\r\n");
    CHECK(client.line() == "TOO LONG");
    CHECK(client.line() == "OK still here");
}

TEST_CASE("STARTTLS upgrade and implicit TLS; plaintext pipelined after STARTTLS is dropped")
{
    TestCertificate certificate;
    std::string error;
    auto context = make_tls_server_context(certificate.settings(), error);
    REQUIRE_MESSAGE(context, error);
    TestServer test({}, context);

    Client starttls(test.port);
    CHECK(starttls.line() == "HELLO");
    starttls.send("STARTTLS\r\n");
    CHECK(starttls.line() == "GO");
    starttls.upgrade();
    starttls.send("ECHO secure\r\n");
    CHECK(starttls.line() == "OK secure tls");

    Client injected(test.port);
    CHECK(injected.line() == "HELLO");
    injected.send("STARTTLS\r\nECHO injected\r\n");
    CHECK(injected.line() == "GO");
    injected.upgrade();
    injected.send("ECHO real\r\n");
    CHECK(injected.line() == "OK real tls");   // not "OK injected"

    Client implicit(test.tls_port);
    implicit.upgrade();
    CHECK(implicit.line() == "HELLO");
    implicit.send("ECHO implicit\r\n");
    CHECK(implicit.line() == "OK implicit tls");
}

TEST_CASE("TLS context errors name the file")
{
    std::string error;
    CHECK_FALSE(make_tls_server_context({"/nonexistent/cert.pem", "/nonexistent/key.pem", "TLSv1.2"}, error));
    CHECK(error.find("tls_cert_file /nonexistent/cert.pem") != std::string::npos);
    CHECK_FALSE(make_tls_server_context({"/x", "/y", "SSLv3"}, error));
    CHECK(error.find("tls_min_protocol") != std::string::npos);
}

TEST_CASE("connections over the per-client limit get the overload reply; exceptions are exempt")
{
    ServerLimits limits;
    limits.client_connection_limit = 2;
    TestServer test(limits);
    Client first(test.port), second(test.port);
    CHECK(first.line() == "HELLO");
    CHECK(second.line() == "HELLO");
    Client third(test.port);
    CHECK(third.line() == "BUSY");
    CHECK(third.line() == "<closed>");
    first.send("QUIT\r\n");
    CHECK(first.line() == "BYE");
    CHECK(first.line() == "<closed>");
    for (int i = 0; i < 100 && test.server.active_connections() > 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Client fourth(test.port);
    CHECK(fourth.line() == "HELLO");

    std::string error;
    ServerLimits exempt;
    exempt.client_connection_limit = 1;
    exempt.client_limit_exceptions = *NetworkList::parse({"127.0.0.0/8"}, error);
    TestServer relaxed(exempt);
    Client a(relaxed.port), b(relaxed.port);
    CHECK(a.line() == "HELLO");
    CHECK(b.line() == "HELLO");
}

TEST_CASE("the total connection limit applies too")
{
    ServerLimits limits;
    limits.connection_limit = 1;
    TestServer test(limits);
    Client first(test.port);
    CHECK(first.line() == "HELLO");
    Client second(test.port);
    CHECK(second.line() == "BUSY");
}

TEST_CASE("an idle connection is closed when its deadline passes")
{
    TestServer test;
    Client client(test.port);
    CHECK(client.line() == "HELLO");
    client.send("IDLE\r\n");
    const auto start = std::chrono::steady_clock::now();
    CHECK(client.line() == "<closed>");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("shutdown lets sessions say goodbye and stops accepting")
{
    auto test = std::make_unique<TestServer>();
    Client client(test->port);
    CHECK(client.line() == "HELLO");
    const auto port = test->port;
    test.reset();
    CHECK(client.line() == "SHUTDOWN");
    boost::asio::io_context io;
    tcp::socket late(io);
    boost::system::error_code ec;
    late.connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), port), ec);
    CHECK(ec);
}

TEST_CASE("shutdown does not cut off a reply being written")
{
    auto test = std::make_unique<TestServer>();
    Client client(test->port);
    CHECK(client.line() == "HELLO");
    client.send("BIG 100000\r\n");   // 6 MB: the write is still going when shutdown comes
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::thread stopper([&] { test.reset(); });
    int rows = 0;
    std::string line;
    while ((line = client.line()).size() == 60)
        ++rows;
    stopper.join();
    CHECK(rows == 100000);
    CHECK(line == "END");
    CHECK(client.line() == "SHUTDOWN");
}

TEST_CASE("a port in use is an error naming the parameter and the address")
{
    TestServer first;
    Server second(1);
    std::string error;
    Service again{"test", "test_listen", {*parse_listen_address("127.0.0.1:" + std::to_string(first.port), error)},
                  false, "", 0666, line_protocol};
    try {
        second.add_service(again);
        FAIL("binding a used port succeeded");
    } catch (const ServerError& e) {
        CHECK(std::string(e.what()).find("test_listen: cannot listen on 127.0.0.1:" + std::to_string(first.port)) ==
              0);
    }
}
