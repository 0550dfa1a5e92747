// Listener: accepts TCP connections on the configured address, each on its own strand, and
// starts an HttpSession (TLS when a certificate is configured). Over the connection limit it
// answers a canned 503 and closes, so the connections already open keep working. Declared here,
// built by Server (server.cpp). Lives on its own strand; close() may be called from any thread.
#pragma once

#include <memory>

#include "switch/net_internal.h"

namespace cho4::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, ServerContext& ctx, net::ssl::context* tls)
      : ioc_(ioc), ctx_(ctx), tls_(tls), acceptor_(net::make_strand(ioc)) {}

  // Binds and listens; fails with a message naming the address.
  Status open(const tcp::endpoint& endpoint);
  std::uint16_t port() const { return port_; }
  void start() { do_accept(); }
  void close();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, ConnectionSocket socket);
  void refuse(ConnectionSocket socket);

  net::io_context& ioc_;
  ServerContext& ctx_;
  net::ssl::context* tls_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace cho4::server
