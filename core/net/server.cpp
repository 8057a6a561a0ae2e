// core/net/server.cpp - listeners, admission limits, per-connection coroutines and graceful
// shutdown (see server.hpp).
#include "core/net/server.hpp"

#include "core/log/log.hpp"

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/strand.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailroom::core {

using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol>;

struct Server::Listener {
    Acceptor acceptor;
    const Service* service;
};

namespace {

using GenericEndpoint = asio::generic::stream_protocol::endpoint;

// Fills address and port from a socket address (IPv4-mapped IPv6 is shown as IPv4).
void describe_endpoint(const GenericEndpoint& endpoint, std::string& address, std::uint16_t& port)
{
    char text[INET6_ADDRSTRLEN] = {};
    const sockaddr* sa = endpoint.data();
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            ::inet_ntop(AF_INET, in6->sin6_addr.s6_addr + 12, text, sizeof text);
        else
            ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        port = ntohs(in6->sin6_port);
    }
    address = text;
}

PeerInfo peer_of(Connection::Socket& socket)
{
    PeerInfo peer;
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec || remote.data()->sa_family == AF_UNIX) {
        peer.unix_socket = true;
        peer.address = "unix";
        return peer;
    }
    describe_endpoint(remote, peer.address, peer.port);
    const auto local = socket.local_endpoint(ec);
    if (!ec)
        describe_endpoint(local, peer.local_address, peer.local_port);
    return peer;
}

Acceptor open_acceptor(asio::io_context& io, const GenericEndpoint& endpoint,
                                                       bool dual_stack, boost::system::error_code& ec)
{
    // Each acceptor has its own strand: the accept loop and a shutdown's close() never race.
    Acceptor acceptor(asio::make_strand(io));
    acceptor.open(endpoint.protocol(), ec);
    if (ec)
        return acceptor;
    if (endpoint.data()->sa_family != AF_UNIX)
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (dual_stack)
        acceptor.set_option(asio::ip::v6_only(false), ec);
    acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    return acceptor;
}

// A stale socket file from an earlier run is removed; any other file in the way is an error.
void clear_unix_socket_path(const std::string& path, const std::string& where)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return;
    if (!S_ISSOCK(st.st_mode))
        throw ServerError(where + ": " + path + " exists and is not a socket");
    ::unlink(path.c_str());
}

}  // namespace

Server::Server(std::size_t io_threads) : io_(static_cast<int>(io_threads)), thread_count_(io_threads) {}

Server::~Server()
{
    if (!threads_.empty()) {
        work_.reset();
        io_.stop();
        wait();
    }
}

void Server::add_service(Service service)
{
    auto owned = std::make_unique<Service>(std::move(service));
    const std::string where = owned->parameter.empty() ? owned->name : owned->parameter;
    for (const auto& address : owned->addresses) {
        boost::system::error_code ec;
        std::vector<std::pair<GenericEndpoint, bool>> endpoints;   // endpoint, dual stack
        if (address.kind == ListenAddress::Kind::unix_socket) {
            clear_unix_socket_path(address.path, where);
            endpoints.emplace_back(GenericEndpoint(asio::local::stream_protocol::endpoint(address.path)), false);
        } else if (address.host.empty()) {
            endpoints.emplace_back(GenericEndpoint(asio::ip::tcp::endpoint(asio::ip::tcp::v6(), address.port)), true);
        } else {
            asio::ip::tcp::resolver resolver(io_);
            const auto results = resolver.resolve(address.host, std::to_string(address.port),
                                                  asio::ip::tcp::resolver::passive, ec);
            if (ec)
                throw ServerError(where + ": cannot resolve \"" + address.host + "\": " + ec.message());
            for (const auto& entry : results)
                endpoints.emplace_back(GenericEndpoint(entry.endpoint()), false);
        }
        for (auto& [endpoint, dual_stack] : endpoints) {
            auto acceptor = open_acceptor(io_, endpoint, dual_stack, ec);
            if (ec && dual_stack) {   // no IPv6 on this host: every IPv4 address instead
                endpoint = GenericEndpoint(asio::ip::tcp::endpoint(asio::ip::tcp::v4(), address.port));
                acceptor = open_acceptor(io_, endpoint, false, ec);
            }
            if (ec)
                throw ServerError(where + ": cannot listen on " + address.text + ": " + ec.message());
            if (address.kind == ListenAddress::Kind::unix_socket)
                ::chmod(address.path.c_str(), owned->unix_socket_mode);
            listeners_.push_back(std::make_shared<Listener>(Listener{std::move(acceptor), owned.get()}));
        }
    }
    services_.push_back(std::move(owned));
}

void Server::set_limits(ServerLimits limits)
{
    std::lock_guard lock(mutex_);
    limits_ = std::move(limits);
}

void Server::set_tls_context(std::shared_ptr<asio::ssl::context> context)
{
    std::lock_guard lock(mutex_);
    tls_ = std::move(context);
}

std::shared_ptr<asio::ssl::context> Server::tls_context() const
{
    std::lock_guard lock(mutex_);
    return tls_;
}

void Server::start()
{
    work_.emplace(io_.get_executor());
    for (auto& listener : listeners_)
        asio::co_spawn(listener->acceptor.get_executor(), accept_loop(listener), asio::detached);
    for (std::size_t i = 0; i < thread_count_; ++i)
        threads_.emplace_back([this] { io_.run(); });
}

void Server::wait()
{
    for (auto& thread : threads_)
        if (thread.joinable())
            thread.join();
    threads_.clear();
}

awaitable<void> Server::accept_loop(std::shared_ptr<Listener> listener)
{
    const Logger log("server");
    for (;;) {
        auto [ec, socket] =
            co_await listener->acceptor.async_accept(asio::make_strand(io_), asio::as_tuple(use_awaitable));
        if (stopping_ || ec == asio::error::operation_aborted || !listener->acceptor.is_open())
            co_return;
        if (ec) {
            // EMFILE and friends: say so, pause briefly instead of spinning, then go on.
            log.warning(listener->service->name + ": accept failed: " + ec.message());
            asio::steady_timer pause(io_, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(use_awaitable));
            continue;
        }
        start_session(Connection::Socket(std::move(socket)), *listener->service);
    }
}

bool Server::admit(const PeerInfo& peer)
{
    std::lock_guard lock(mutex_);
    if (active_total_.load() >= limits_.connection_limit)
        return false;
    const bool per_client = !peer.unix_socket && !limits_.client_limit_exceptions.contains(peer.address);
    if (per_client && per_client_[peer.address] >= limits_.client_connection_limit)
        return false;
    if (per_client)
        ++per_client_[peer.address];
    ++active_total_;
    return true;
}

void Server::release(const PeerInfo& peer)
{
    std::lock_guard lock(mutex_);
    --active_total_;
    const auto it = per_client_.find(peer.address);
    if (it != per_client_.end() && --it->second == 0)
        per_client_.erase(it);
}

void Server::start_session(Connection::Socket socket, const Service& service)
{
    PeerInfo peer = peer_of(socket);
    {
        std::lock_guard lock(mutex_);
        peer.verbose = limits_.debug_peers.contains(peer.address);
    }
    if (!admit(peer)) {
        Logger(service.name).warning("connection from " + peer.endpoint_text() +
                                     " refused: too many connections (connection_limit or client_connection_limit)");
        boost::system::error_code ignored;
        if (!service.implicit_tls && !service.overload_reply.empty())
            socket.write_some(asio::buffer(service.overload_reply), ignored);
        socket.close(ignored);
        return;
    }
    if (!peer.unix_socket) {
        // Sessions gather their replies and flush them whole: Nagle's algorithm would hold the
        // tail of each flush until the client's delayed ACK (40 ms per POP3 RETR chunk).
        boost::system::error_code ignored;
        socket.set_option(asio::detail::socket_option::boolean<IPPROTO_TCP, TCP_NODELAY>(true), ignored);
    }
    auto connection = std::make_shared<Connection>(std::move(socket), peer, tls_context());
    {
        std::lock_guard lock(mutex_);
        sessions_[connection.get()] = connection;
    }
    asio::co_spawn(connection->executor(), run_session(connection, service),
                   [this, connection, name = service.name](std::exception_ptr failure) {
                       if (failure) {
                           try {
                               std::rethrow_exception(failure);
                           } catch (const boost::system::system_error& e) {
                               // The client went away mid-reply: routine, worth a line only when debugging.
                               Logger(name, {}, connection->peer().verbose)
                                   .verbose("connection " + connection->peer().endpoint_text() + " ended: " +
                                            e.what());
                           } catch (const std::exception& e) {
                               Logger(name).error("session with " + connection->peer().endpoint_text() +
                                                  " failed: " + e.what());
                           }
                       }
                       {
                           std::lock_guard lock(mutex_);
                           sessions_.erase(connection.get());
                       }
                       release(connection->peer());
                   });
}

awaitable<void> Server::run_session(std::shared_ptr<Connection> connection, const Service& service)
{
    auto body = [](std::shared_ptr<Connection> c, const Service& s, std::chrono::milliseconds handshake)
        -> awaitable<void> {
        if (s.implicit_tls) {
            c->set_idle_timeout(handshake);
            if (!co_await c->start_tls()) {
                Logger(s.name, {}, c->peer().verbose)
                    .verbose("TLS handshake with " + c->peer().endpoint_text() + " failed: " + c->tls_error());
                co_return;
            }
        }
        co_await s.handler(c);
    };
    std::chrono::milliseconds handshake_timeout;
    {
        std::lock_guard lock(mutex_);
        handshake_timeout = limits_.tls_handshake_timeout;
    }
    co_await (body(connection, service, handshake_timeout) || connection->watchdog());
    co_await connection->close_gracefully();
}

void Server::stop(std::chrono::milliseconds grace)
{
    if (stopping_.exchange(true))
        return;
    asio::co_spawn(io_, shutdown_sessions(grace), asio::detached);
}

awaitable<void> Server::shutdown_sessions(std::chrono::milliseconds grace)
{
    for (auto& listener : listeners_)
        asio::post(listener->acceptor.get_executor(), [listener] {
            boost::system::error_code ignored;
            listener->acceptor.close(ignored);
        });
    auto for_each_session = [this](auto action) {
        std::lock_guard lock(mutex_);
        for (auto& [raw, weak] : sessions_)
            if (auto connection = weak.lock())
                asio::post(connection->executor(), [connection, action] { action(*connection); });
    };
    for_each_session([](Connection& c) { c.request_shutdown(); });
    asio::steady_timer timer(io_);
    const auto give_up = std::chrono::steady_clock::now() + grace;
    while (active_total_.load() > 0 && std::chrono::steady_clock::now() < give_up) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::as_tuple(use_awaitable));
    }
    for_each_session([](Connection& c) { c.close(); });
    for (int i = 0; i < 50 && active_total_.load() > 0; ++i) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::as_tuple(use_awaitable));
    }
    work_.reset();
    io_.stop();
}

}  // namespace mailroom::core
