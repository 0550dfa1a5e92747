#include "switch/listener.h"

#include "switch/logger.h"
#include "switch/metrics.h"

namespace cho4::server {

Status Listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return io_error("cannot listen on " + endpoint.address().to_string() + ":" +
                    std::to_string(endpoint.port()) + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  return {};
}

void Listener::close() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, ConnectionSocket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // EMFILE and friends: keep accepting; the connection limit normally prevents this.
    ctx_.log.warn("accept failed", {{"error", ec.message()}});
    return do_accept();
  }
  if (ctx_.draining.load()) return;
  if (ctx_.connections.size() >= ctx_.config.limits.connections_max) {
    ctx_.metrics.connections_refused.fetch_add(1);
    refuse(std::move(socket));
    return do_accept();
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto ep = socket.remote_endpoint(ignored);
  std::string remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  if (tls_) {
    start_http_session(ctx_, TlsStream(PlainStream(std::move(socket)), *tls_), beast::flat_buffer(),
                       std::move(remote));
  } else {
    start_http_session(ctx_, PlainStream(std::move(socket)), beast::flat_buffer(),
                       std::move(remote));
  }
  do_accept();
}

void Listener::refuse(ConnectionSocket socket) {
  static const std::string kRefusal =
      "HTTP/1.1 503 Service Unavailable\r\nServer: cho4\r\nContent-Type: "
      "application/problem+json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: "
      "117\r\n\r\n"
      "{\"type\":\"https://cho4.vn/problems/too-many-connections\",\"title\":\"Too many "
      "connections; retry later\",\"status\":503}    ";
  auto s = std::make_shared<PlainStream>(std::move(socket));
  s->expires_after(ms(kWriteTimeoutMs));
  net::async_write(*s, net::buffer(kRefusal), [s](beast::error_code, std::size_t) {
    beast::error_code ec;
    s->socket().shutdown(tcp::socket::shutdown_both, ec);
    s->socket().close(ec);
  });
}

}  // namespace cho4::server
