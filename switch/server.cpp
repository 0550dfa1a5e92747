#include "switch/server.h"

#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "switch/listener.h"
#include "switch/logger.h"
#include "switch/metrics.h"

namespace cho4::server {

// How often graceful shutdown checks whether the last connection has finished.
constexpr std::int64_t kShutdownPollMs = 20;

struct Server::Impl {
  Impl(const ServerConfig& config, Api& api, Metrics& metrics, NotifyHub& hub,
       ledger::Engine& engine, Logger& log)
      : ioc(static_cast<int>(config.io_threads)),
        ctx{config, api, metrics, hub, engine, log},
        signals(ioc),
        poll(ioc) {}

  net::io_context ioc;
  ServerContext ctx;
  std::unique_ptr<net::ssl::context> tls;
  std::shared_ptr<Listener> listener;
  net::signal_set signals;
  net::steady_timer poll;
  std::chrono::steady_clock::time_point deadline{};
  std::atomic<bool> stopping{false};
  std::function<void()> on_shutdown;

  void begin_shutdown() {
    if (stopping.exchange(true)) return;
    ctx.draining = true;
    if (on_shutdown) on_shutdown();
    ctx.log.info("shutting down", {{"connections", ctx.connections.size()}});
    if (listener) listener->close();
    ctx.connections.shutdown_all();
    deadline = std::chrono::steady_clock::now() + ms(kShutdownGraceMs);
    wait_for_connections();
  }

  void wait_for_connections() {
    if (ctx.connections.size() == 0 || std::chrono::steady_clock::now() >= deadline) {
      signals.cancel();
      ioc.stop();
      return;
    }
    // Sessions that were mid-request when shutdown began are asked again once they go idle.
    ctx.connections.shutdown_all();
    poll.expires_after(ms(kShutdownPollMs));
    poll.async_wait([this](beast::error_code) { wait_for_connections(); });
  }
};

Server::Server(const ServerConfig& config, Api& api, Metrics& metrics, NotifyHub& hub,
               ledger::Engine& engine, Logger& log)
    : impl_(std::make_unique<Impl>(config, api, metrics, hub, engine, log)) {}

Server::~Server() = default;

Status Server::open() {
  auto& c = impl_->ctx.config;
  if (c.tls.enabled()) {
    auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    beast::error_code ec;
    tls->use_certificate_chain_file(c.tls.cert_file, ec);
    if (ec)
      return invalid_argument("tls: cannot load certificate " + c.tls.cert_file + ": " +
                              ec.message());
    tls->use_private_key_file(c.tls.key_file, net::ssl::context::pem, ec);
    if (ec) return invalid_argument("tls: cannot load key " + c.tls.key_file + ": " + ec.message());
    impl_->tls = std::move(tls);
  }
  beast::error_code ec;
  auto addr = net::ip::make_address(c.listen_host, ec);
  if (ec) return invalid_argument("listen: bad address '" + c.listen_host + "'");
  impl_->listener = std::make_shared<Listener>(impl_->ioc, impl_->ctx, impl_->tls.get());
  return impl_->listener->open(tcp::endpoint(addr, c.listen_port));
}

std::uint16_t Server::port() const {
  return impl_->listener ? impl_->listener->port() : 0;
}

std::size_t Server::connections() const {
  return impl_->ctx.connections.size();
}

void Server::run(bool handle_signals) {
  auto& im = *impl_;
  if (handle_signals) {
    im.signals.add(SIGINT);
    im.signals.add(SIGTERM);
    im.signals.async_wait([&im](beast::error_code ec, int) {
      if (!ec) im.begin_shutdown();
    });
  }
  im.listener->start();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < im.ctx.config.io_threads; ++i)
    threads.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : threads) t.join();
}

void Server::on_shutdown(std::function<void()> fn) {
  impl_->on_shutdown = std::move(fn);
}

void Server::stop() {
  net::post(impl_->ioc, [im = impl_.get()] { im->begin_shutdown(); });
}

}  // namespace cho4::server
