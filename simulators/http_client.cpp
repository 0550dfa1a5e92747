#include "simulators/http_client.h"

#include <charconv>
#include <optional>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

namespace cho4::sim {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
// Responses the simulator reads are small JSON or PNG bodies.
constexpr std::uint64_t kResponseBodyMax = 16 * 1024 * 1024;
constexpr auto kPoolWait = std::chrono::microseconds(200);
}  // namespace

Result<tcp::endpoint> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return invalid_argument("only http:// URLs are supported: " + std::string(url));
  url.remove_prefix(kScheme.size());
  if (auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos) return invalid_argument("the URL needs host:port");
  std::string host(url.substr(0, colon));
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto p = url.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || ptr != p.data() + p.size() || port == 0 || port > 65535)
    return invalid_argument("bad port in URL");
  boost::system::error_code bec;
  auto addr = asio::ip::make_address(host, bec);
  if (bec) return invalid_argument("the URL's host must be an IP address: " + host);
  return tcp::endpoint(addr, std::uint16_t(port));
}

HttpConnection::HttpConnection(asio::any_io_executor ex, tcp::endpoint endpoint)
    : endpoint_(endpoint), stream_(std::move(ex)) {}

void HttpConnection::close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  buffer_.clear();
  connected_ = false;
}

asio::awaitable<Result<HttpResponse>> HttpConnection::request(http::verb method, std::string target,
                                                              const adapters::Headers& headers,
                                                              std::string body,
                                                              std::chrono::milliseconds timeout) {
  auto token = asio::as_tuple(asio::use_awaitable);
  stream_.expires_after(timeout);
  if (!connected_) {
    auto [ec] = co_await stream_.async_connect(endpoint_, token);
    if (ec) {
      close();
      co_return unavailable("connect: " + ec.message());
    }
    stream_.socket().set_option(tcp::no_delay(true));
    connected_ = true;
  }
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::user_agent, "cho4-sim");
  for (const auto& [name, value] : headers.fields()) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  req.keep_alive(true);
  {
    auto [ec, n] = co_await http::async_write(stream_, req, token);
    (void)n;
    if (ec) {
      close();
      co_return unavailable("write: " + ec.message());
    }
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseBodyMax);
  auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, token);
  (void)n;
  if (ec) {
    close();
    co_return unavailable("read: " + ec.message());
  }
  auto res = parser.release();
  HttpResponse out;
  out.status = int(res.result_int());
  out.content_type = std::string(res[http::field::content_type]);
  out.body = std::move(res.body());
  if (!res.keep_alive()) close();
  co_return out;
}

ConnectionPool::ConnectionPool(asio::any_io_executor ex, tcp::endpoint endpoint,
                               std::size_t max_connections)
    : ex_(std::move(ex)), endpoint_(endpoint), max_(max_connections) {}

asio::awaitable<std::unique_ptr<HttpConnection>> ConnectionPool::acquire() {
  for (;;) {
    if (!free_.empty()) {
      auto c = std::move(free_.back());
      free_.pop_back();
      co_return c;
    }
    if (created_ < max_) {
      ++created_;
      co_return std::make_unique<HttpConnection>(ex_, endpoint_);
    }
    asio::steady_timer t(ex_, kPoolWait);
    co_await t.async_wait(asio::use_awaitable);
  }
}

void ConnectionPool::release(std::unique_ptr<HttpConnection> connection) {
  free_.push_back(std::move(connection));
}

ApiClient::ApiClient(tcp::endpoint endpoint)
    : conn_(std::make_unique<HttpConnection>(io_.get_executor(), endpoint)), endpoint_(endpoint) {}

ApiClient::~ApiClient() = default;

void ApiClient::set_endpoint(tcp::endpoint endpoint) {
  endpoint_ = endpoint;
  conn_ = std::make_unique<HttpConnection>(io_.get_executor(), endpoint);
}

Result<HttpResponse> ApiClient::call(http::verb method, const std::string& target,
                                     const std::string& token, const std::string& body,
                                     const std::string& content_type) {
  adapters::Headers h;
  if (!token.empty()) h.add("Authorization", "Bearer " + token);
  if (!body.empty()) h.add("Content-Type", content_type);
  std::optional<Result<HttpResponse>> out;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        out.emplace(co_await conn_->request(method, target, h, body, std::chrono::seconds(30)));
      },
      asio::detached);
  io_.restart();
  io_.run();
  if (!out) return internal_error("the request coroutine did not finish");
  return std::move(*out);
}

Result<boost::json::value> ApiClient::json(http::verb method, const std::string& target,
                                           const std::string& token, const std::string& body,
                                           std::int64_t retry_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(retry_ms);
  for (;;) {
    auto r = call(method, target, token, body);
    const bool retryable = !r.ok() || r->status == 503;
    if (retryable && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (!r.ok()) return r.error();
    if (r->status < 200 || r->status > 299)
      return failed_precondition(std::string(http::to_string(method)) + " " + target + " → " +
                                 std::to_string(r->status) + ": " + r->body.substr(0, 300));
    boost::system::error_code ec;
    auto v = boost::json::parse(r->body, ec);
    if (ec) return data_loss(target + ": response is not JSON");
    return v;
  }
}

}  // namespace cho4::sim
