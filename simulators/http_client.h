// HTTP/1.1 clients of the simulator, on the server's separately compiled Beast/Asio.
//   HttpConnection: one keep-alive connection driven by C++20 coroutines (the load generator);
//                   reconnects transparently on the next request after an error.
//   ConnectionPool: bounded set of those for one io_context; acquire() waits while all are busy.
//   ApiClient:      blocking client for setup and verdict reads (JSON in, JSON out).
// Each object belongs to one thread (its io_context's); none is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

#include "adapters/http.h"
#include "core/status.h"

namespace cho4::sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Where the server listens ("http://127.0.0.1:8080" → endpoint); only plain http on an IP.
Result<tcp::endpoint> parse_http_url(std::string_view url);

class HttpConnection {
 public:
  HttpConnection(asio::any_io_executor ex, tcp::endpoint endpoint);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request and reads the response. An error (connect refused, reset, timeout) is
  // returned as unavailable and the connection is closed; the next call reconnects.
  asio::awaitable<Result<HttpResponse>> request(boost::beast::http::verb method, std::string target,
                                                const adapters::Headers& headers, std::string body,
                                                std::chrono::milliseconds timeout);
  void close();

 private:
  tcp::endpoint endpoint_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

class ConnectionPool {
 public:
  ConnectionPool(asio::any_io_executor ex, tcp::endpoint endpoint, std::size_t max_connections);

  // A free connection, a new one while under the bound, or waits (polling every 200 µs) for one
  // to come back. Latency is measured from intended send times, so this wait is counted.
  asio::awaitable<std::unique_ptr<HttpConnection>> acquire();
  void release(std::unique_ptr<HttpConnection> connection);
  std::size_t open() const { return created_; }

 private:
  asio::any_io_executor ex_;
  tcp::endpoint endpoint_;
  std::size_t max_;
  std::size_t created_ = 0;
  std::vector<std::unique_ptr<HttpConnection>> free_;
};

class ApiClient {
 public:
  explicit ApiClient(tcp::endpoint endpoint);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  void set_endpoint(tcp::endpoint endpoint);
  // One request with a bearer token ("" for none); JSON body when `json` is not null.
  Result<HttpResponse> call(boost::beast::http::verb method, const std::string& target,
                            const std::string& token, const std::string& body = {},
                            const std::string& content_type = "application/json");
  // call() that expects 2xx and a JSON body; retries connection errors for up to `retry_ms`
  // (the server may be restarting under --kill-every).
  Result<boost::json::value> json(boost::beast::http::verb method, const std::string& target,
                                  const std::string& token, const std::string& body = {},
                                  std::int64_t retry_ms = 10'000);

 private:
  asio::io_context io_;
  std::unique_ptr<HttpConnection> conn_;
  tcp::endpoint endpoint_;
};

}  // namespace cho4::sim
