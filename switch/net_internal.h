// Internals of the network layer (listener, http_session, websocket_session, sse_session): the
// Beast types, the state every session shares (ServerContext), and the registry of open
// connections used by graceful shutdown. Included only by switch/*.cpp files that speak Beast.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "switch/api.h"
#include "switch/config.h"

namespace cho4::ledger {
class Engine;
}

namespace cho4::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Each connection runs on its own strand. The streams name the strand's concrete type rather than
// the type-erased any_io_executor of beast::tcp_stream: every read and write copies and destroys
// the stream's executor, and in a profile of the webhook benchmark the type-erased copies took
// about 5 % of the server's samples, the concrete strand's about 2.5 %.
using ConnectionStrand = net::strand<net::io_context::executor_type>;
using ConnectionSocket = tcp::socket::rebind_executor<ConnectionStrand>::other;
using PlainStream = beast::basic_stream<tcp, ConnectionStrand>;
using TlsStream = beast::ssl_stream<PlainStream>;

class Metrics;
class NotifyHub;
class Logger;

// A session that graceful shutdown can ask to finish. shutdown() may be called from any thread;
// implementations post to their strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  virtual void shutdown() = 0;
};

// Open connections: counted for the connection limit and walked at shutdown.
class ConnectionRegistry {
 public:
  std::uint64_t add(const std::shared_ptr<Connection>& c);
  void remove(std::uint64_t id);
  std::size_t size() const;
  void shutdown_all();

 private:
  mutable std::mutex mu_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> open_;
};

struct ServerContext {
  const ServerConfig& config;
  Api& api;
  Metrics& metrics;
  NotifyHub& hub;
  ledger::Engine& engine;
  Logger& log;
  ConnectionRegistry connections;
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> next_request_id{1};
};

// Keeps a connection registered (and counted) for as long as the session lives.
class Registration {
 public:
  Registration() = default;
  Registration(ServerContext& ctx, const std::shared_ptr<Connection>& c);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  ServerContext* ctx_ = nullptr;
  std::uint64_t id_ = 0;
};

template <class Stream>
void start_http_session(ServerContext& ctx, Stream stream, beast::flat_buffer buffer,
                        std::string remote);

template <class Stream>
void start_websocket_session(ServerContext& ctx, Stream stream,
                             http::request<http::string_body> upgrade, StreamGrant grant,
                             std::string remote);

template <class Stream>
void start_sse_session(ServerContext& ctx, Stream stream, StreamGrant grant, std::string request_id,
                       std::string remote);

// Closes a stream politely (TLS close_notify, TCP shutdown of the send side).
void close_stream(PlainStream& s);
void close_stream(TlsStream& s);

inline std::chrono::milliseconds ms(std::int64_t v) {
  return std::chrono::milliseconds(v);
}

}  // namespace cho4::server
