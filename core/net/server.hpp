// core/net/server.hpp - the Asio server every service runs on: listeners (TCP v4/v6, unix
// sockets), implicit TLS, one coroutine per connection on its own strand over a small
// thread pool, limits on connections in total and per client address, and a graceful
// shutdown that lets sessions say goodbye before they are closed.
#pragma once
#include "core/net/connection.hpp"
#include "core/net/listen_address.hpp"
#include "core/net/network_list.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mailroom::core {

using SessionHandler = std::function<awaitable<void>(std::shared_ptr<Connection>)>;

struct Service {
    std::string name;                   // "lmtp", "imap", "imaps", "pop3", "pop3s", "smtp"
    std::string parameter;              // the *_listen parameter, for error messages
    std::vector<ListenAddress> addresses;
    bool implicit_tls = false;
    std::string overload_reply;         // sent before closing a connection over a limit
    unsigned unix_socket_mode = 0666;
    SessionHandler handler;
};

struct ServerLimits {
    std::size_t connection_limit = 20000;          // all services together
    std::size_t client_connection_limit = 50;      // per client address, all services together
    NetworkList client_limit_exceptions;           // addresses the per-client limit does not apply to
    NetworkList debug_peers;                       // debug_peer_list
    std::chrono::milliseconds tls_handshake_timeout{std::chrono::seconds(30)};
};

class ServerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Server {
public:
    explicit Server(std::size_t io_threads);
    ~Server();

    // Binds every address of the service now, so that a port in use stops the daemon before
    // anything starts: throws ServerError("imap_listen: cannot listen on 127.0.0.1:143: ...").
    void add_service(Service service);
    void set_limits(ServerLimits limits);
    void set_tls_context(std::shared_ptr<asio::ssl::context> context);   // used by new connections
    std::shared_ptr<asio::ssl::context> tls_context() const;

    void start();                                          // accept loops and I/O threads
    // Stops accepting, asks every session to finish, force-closes what is left after
    // `grace`, then stops the I/O threads. Callable from any thread, once.
    void stop(std::chrono::milliseconds grace);
    void wait();                                           // joins the I/O threads

    asio::io_context& io() { return io_; }
    std::size_t active_connections() const { return active_total_.load(); }

private:
    struct Listener;
    awaitable<void> accept_loop(std::shared_ptr<Listener> listener);
    void start_session(Connection::Socket socket, const Service& service);
    awaitable<void> run_session(std::shared_ptr<Connection> connection, const Service& service);
    bool admit(const PeerInfo& peer);
    void release(const PeerInfo& peer);
    awaitable<void> shutdown_sessions(std::chrono::milliseconds grace);

    asio::io_context io_;
    std::size_t thread_count_;
    std::vector<std::thread> threads_;
    std::vector<std::unique_ptr<Service>> services_;
    std::vector<std::shared_ptr<Listener>> listeners_;
    mutable std::mutex mutex_;
    ServerLimits limits_;
    std::shared_ptr<asio::ssl::context> tls_;
    std::map<std::string, std::size_t> per_client_;
    std::map<Connection*, std::weak_ptr<Connection>> sessions_;
    std::atomic<std::size_t> active_total_{0};
    std::atomic<bool> stopping_{false};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
};

}  // namespace mailroom::core
