#include "server_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include "core/clock.h"

namespace cho4::itest {

const char* cho4_binary() {
  return CHO4_BINARY;
}
namespace fs = std::filesystem;
namespace json = boost::json;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The server must come up within this; it normally takes well under a second.
constexpr int kStartTimeoutMs = 30'000;

fs::path fresh_dir() {
  static int n = 0;
  auto d = fs::temp_directory_path() /
           ("cho4-itest-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

json::object sepay_instance() {
  return {{"kind", "sepay"},
          {"name", "sepay-it"},
          {"auth", "hmac"},
          {"secret", kSepaySecret},
          {"tolerance_s", 300}};
}

ServerProcess::ServerProcess(json::object config, std::vector<std::string> extra_args,
                             fs::path data_dir) {
  fs::path root = fresh_dir();
  own_data_ = data_dir.empty();
  data_ = own_data_ ? root / "data" : data_dir;
  if (!config.contains("adapters")) config["adapters"] = json::array{sepay_instance()};
  config["data_dir"] = data_.string();
  config["listen"] = "127.0.0.1:0";
  if (!config.contains("log_requests")) config["log_requests"] = false;
  fs::path cfg = root / "cho4.json";
  std::ofstream(cfg) << json::serialize(config);
  fs::remove(data_ / "server.port");
  fs::path log = root / "server.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    std::vector<std::string> args = {CHO4_BINARY, "serve", "--config", cfg.string()};
    for (auto& a : extra_args) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    FILE* o = std::freopen((root / "server.out").c_str(), "w", stdout);
    (void)o;
    ::execv(CHO4_BINARY, argv.data());
    std::_Exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    auto text = slurp(data_ / "server.port");
    if (!text.empty() && text.back() == '\n') {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::fprintf(stderr, "cho4 serve exited at start:\n%s\n", slurp(log).c_str());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (own_data_) fs::remove_all(data_.parent_path());
}

std::string ServerProcess::admin_token() const {
  auto t = slurp(data_ / "admin.token");
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t;
}

void ServerProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int ServerProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int ServerProcess::stop() {
  signal(SIGTERM);
  return wait();
}

std::string HttpResult::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) return v;
  return {};
}

json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value() : v;
}

// ---- Client ----

struct Client::Impl {
  net::io_context ioc;
  net::ssl::context ssl{net::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buf;
  bool ok = false;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }

  template <class F>
  auto with(F&& f) {
    if (plain) return f(*plain);
    return f(*tls);
  }
};

Client::Client(std::uint16_t port, bool tls) : impl_(std::make_unique<Impl>()) {
  auto& im = *impl_;
  beast::error_code ec;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  if (tls) {
    im.ssl.set_verify_mode(net::ssl::verify_none);
    im.tls.emplace(im.ioc, im.ssl);
    beast::get_lowest_layer(*im.tls).socket().connect(ep, ec);
    if (!ec) {
      beast::get_lowest_layer(*im.tls).expires_after(std::chrono::seconds(10));
      im.tls->handshake(net::ssl::stream_base::client, ec);
    }
  } else {
    im.plain.emplace(im.ioc);
    im.plain->socket().connect(ep, ec);
  }
  im.ok = !ec;
}

Client::~Client() = default;

bool Client::connected() const {
  return impl_->ok;
}

HttpResult Client::request(std::string_view method, std::string_view target, std::string body,
                           std::vector<std::pair<std::string, std::string>> headers) {
  HttpResult out;
  auto& im = *impl_;
  if (!im.ok) return out;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1");
  bool has_ct = false;
  for (auto& [k, v] : headers) {
    req.set(k, v);
    has_ct = has_ct || beast::iequals(k, "Content-Type");
  }
  if (!body.empty() && !has_ct) req.set(bhttp::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  beast::error_code ec;
  im.lowest().expires_after(std::chrono::seconds(30));
  bhttp::response_parser<bhttp::string_body> p;
  p.body_limit(64 * 1024 * 1024);
  im.with([&](auto& s) {
    bhttp::write(s, req, ec);
    if (!ec) bhttp::read(s, im.buf, p, ec);
    return 0;
  });
  if (ec) {
    im.ok = false;
    return out;
  }
  auto& res = p.get();
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& f : res)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  if (!res.keep_alive()) im.ok = false;
  return out;
}

bool Client::write(std::string_view bytes) {
  beast::error_code ec;
  impl_->with([&](auto& s) {
    net::write(s, net::buffer(bytes.data(), bytes.size()), ec);
    return 0;
  });
  return !ec;
}

std::string Client::raw(std::string_view bytes, int timeout_ms) {
  auto& im = *impl_;
  if (!bytes.empty() && !write(bytes)) return {};
  std::string out;
  im.lowest().expires_after(std::chrono::milliseconds(timeout_ms));
  char chunk[4096];
  for (;;) {
    beast::error_code ec;
    std::size_t n = im.with([&](auto& s) { return s.read_some(net::buffer(chunk), ec); });
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

bool Client::closed_by_server(int timeout_ms) {
  auto& im = *impl_;
  im.lowest().expires_after(std::chrono::milliseconds(timeout_ms));
  char chunk[1024];
  for (;;) {
    beast::error_code ec;
    im.with([&](auto& s) { return s.read_some(net::buffer(chunk), ec); });
    if (ec == beast::error::timeout) return false;
    if (ec) return true;
  }
}

HttpResult http(std::uint16_t port, std::string_view method, std::string_view target,
                std::string body, std::string bearer,
                std::vector<std::pair<std::string, std::string>> headers) {
  Client c(port);
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return c.request(method, target, std::move(body), std::move(headers));
}

// ---- Device stream clients: a background thread reads; next() waits on a queue ----

namespace {
// Messages (WebSocket) or raw bytes (SSE) arrive on a reader thread and wait here.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> items;
  bool closed = false;
  void push(std::string s) {
    {
      std::lock_guard lock(mu);
      items.push_back(std::move(s));
    }
    cv.notify_all();
  }
  void close() {
    {
      std::lock_guard lock(mu);
      closed = true;
    }
    cv.notify_all();
  }
  std::optional<std::string> pop(int timeout_ms) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                [&] { return !items.empty() || closed; });
    if (items.empty()) return std::nullopt;
    auto s = std::move(items.front());
    items.pop_front();
    return s;
  }
};
}  // namespace

struct SseClient::Impl {
  net::io_context ioc;
  tcp::socket s{ioc};
  std::string pending;
  int status = 0;
  std::string last_id;
  Inbox inbox;
  std::thread reader;
  ~Impl() {
    beast::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
    if (reader.joinable()) reader.join();
  }
};

SseClient::SseClient(std::uint16_t port, std::string target, std::string bearer,
                     std::string last_event_id)
    : impl_(std::make_unique<Impl>()) {
  auto& im = *impl_;
  beast::error_code ec;
  im.s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;
  std::string req =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
  if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
  req += "\r\n";
  net::write(im.s, net::buffer(req), ec);
  im.reader = std::thread([&im] {
    char chunk[4096];
    for (;;) {
      beast::error_code e;
      std::size_t n = im.s.read_some(net::buffer(chunk), e);
      if (n) im.inbox.push(std::string(chunk, n));
      if (e) break;
    }
    im.inbox.close();
  });
  // The status line and headers.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (im.pending.find("\r\n\r\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    auto more = im.inbox.pop(10'000);
    if (!more) break;
    im.pending += *more;
  }
  if (im.pending.size() > 12 && im.pending.starts_with("HTTP/1.1 "))
    im.status = std::stoi(im.pending.substr(9, 3));
  auto end = im.pending.find("\r\n\r\n");
  im.pending = end == std::string::npos ? "" : im.pending.substr(end + 4);
}

SseClient::~SseClient() = default;
int SseClient::status() const {
  return impl_->status;
}
std::string SseClient::last_id() const {
  return impl_->last_id;
}

std::optional<json::object> SseClient::next(int timeout_ms) {
  auto& im = *impl_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto end = im.pending.find("\n\n");
    while (end != std::string::npos) {
      std::string block = im.pending.substr(0, end);
      im.pending.erase(0, end + 2);
      std::string event, data, id;
      std::istringstream lines(block);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.starts_with("event: "))
          event = line.substr(7);
        else if (line.starts_with("data: "))
          data = line.substr(6);
        else if (line.starts_with("id: "))
          id = line.substr(4);
      }
      if (event == "credit") {
        im.last_id = id;
        auto o = json::parse(data).as_object();
        o["sse_id"] = id;
        return o;
      }
      end = im.pending.find("\n\n");
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto more = im.inbox.pop(static_cast<int>(left.count()));
    if (!more) return std::nullopt;
    im.pending += *more;
  }
}

struct WsClient::Impl {
  net::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buf;
  bool ok = false;
  Inbox inbox;
  std::thread runner;
  std::deque<std::string> out;  // writes, on the io thread

  void read() {
    ws.async_read(buf, [this](beast::error_code ec, std::size_t) {
      if (ec) return inbox.close();
      inbox.push(beast::buffers_to_string(buf.data()));
      buf.consume(buf.size());
      read();
    });
  }
  void send(std::string text) {
    net::post(ioc, [this, text = std::move(text)]() mutable {
      out.push_back(std::move(text));
      if (out.size() == 1) write();
    });
  }
  void write() {
    ws.async_write(net::buffer(out.front()), [this](beast::error_code ec, std::size_t) {
      out.pop_front();
      if (!ec && !out.empty()) write();
    });
  }
  ~Impl() {
    net::post(ioc, [this] {
      beast::error_code ec;
      beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(ws).socket().close(ec);
    });
    if (runner.joinable()) runner.join();
  }
};

WsClient::WsClient(std::uint16_t port, std::string target, std::string bearer,
                   std::optional<std::uint64_t> after)
    : impl_(std::make_unique<Impl>()) {
  auto& im = *impl_;
  beast::error_code ec;
  beast::get_lowest_layer(im.ws).socket().connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;
  im.ws.set_option(
      beast::websocket::stream_base::decorator([bearer](beast::websocket::request_type& r) {
        if (!bearer.empty()) r.set(bhttp::field::authorization, "Bearer " + bearer);
      }));
  beast::get_lowest_layer(im.ws).expires_after(std::chrono::seconds(10));
  im.ws.handshake("127.0.0.1", target, ec);
  if (ec) return;
  beast::get_lowest_layer(im.ws).expires_never();
  if (after) {
    std::string hello = R"({"type":"hello","after":)" + std::to_string(*after) + "}";
    im.ws.write(net::buffer(hello), ec);
  }
  im.ok = !ec;
  if (!im.ok) return;
  im.read();
  im.runner = std::thread([&im] { im.ioc.run(); });
}

WsClient::~WsClient() = default;
bool WsClient::connected() const {
  return impl_->ok;
}

std::optional<json::object> WsClient::next(int timeout_ms) {
  auto& im = *impl_;
  if (!im.ok) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto msg = im.inbox.pop(static_cast<int>(left.count()));
    if (!msg) return std::nullopt;
    auto o = json::parse(*msg).as_object();
    if (o.at("type") == "credit") return o;
  }
}

void WsClient::ack(std::uint64_t seq) {
  impl_->send(R"({"type":"ack","seq":)" + std::to_string(seq) + "}");
}

void WsClient::close() {
  auto& im = *impl_;
  net::post(im.ioc, [&im] {
    im.ws.async_close(beast::websocket::close_code::normal, [](beast::error_code) {});
  });
  im.ok = false;
  if (im.runner.joinable()) im.runner.join();
}

// ---- Webhooks and set-up ----

SignedWebhook sepay_webhook(std::uint64_t txn_id, std::int64_t amount, const std::string& account,
                            const std::string& content, const std::string& instance) {
  auto cfg = sepay_instance();
  cfg["name"] = instance;
  static auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto signer = adapters::make_builtin_signer(cfg, no_env);
  BankCredit c;
  c.adapter_instance = instance;
  c.provider_txn_id = std::to_string(txn_id);
  c.bank_reference = "FT" + std::to_string(txn_id);
  c.bank = "Vietcombank";
  c.account = account;
  c.amount = Money::vnd(amount);
  c.description = content;
  SystemClock clock;
  c.occurred_at_ms = clock.now_ms() - 2000;
  auto req = (*signer)->sign(std::span<const BankCredit>(&c, 1), clock.now_ms());
  SignedWebhook w;
  w.target = req->target;
  for (auto& [k, v] : req->headers.fields()) w.headers.emplace_back(k, v);
  w.body = req->body;
  return w;
}

HttpResult send_webhook(Client& c, const SignedWebhook& w) {
  return c.request("POST", w.target, w.body, w.headers);
}

StallInfo make_stall(ServerProcess& server, const std::string& account) {
  StallInfo s;
  s.account = account;
  auto admin = server.admin_token();
  // Each step's answer must be 201 with the named field; a failure says which step.
  auto field = [](const HttpResult& r, const char* what, const char* key) -> std::string {
    auto v = r.json();
    if (r.status != 201 || !v.is_object() || !v.as_object().contains(key)) {
      std::fprintf(stderr, "make_stall: %s answered %d: %s\n", what, r.status, r.body.c_str());
      return {};
    }
    return std::string(v.at(key).as_string());
  };
  s.market_id = field(
      http(server.port(), "POST", "/v1/markets", R"({"name":"Chợ Đông Ba","city":"Huế"})", admin),
      "POST /v1/markets", "id");
  s.manager = field(
      http(server.port(), "POST", "/v1/markets/" + s.market_id + "/manager-tokens", "{}", admin),
      "POST manager-tokens", "token");
  s.stall_id = field(
      http(
          server.port(), "POST", "/v1/markets/" + s.market_id + "/stalls",
          R"({"number":"A12","name":"Cô Lan - Rau","holder_name":"Nguyễn Thị Lan","bank":"VCB","account":")" +
              account + R"("})",
          s.manager),
      "POST stalls", "id");
  s.device = field(http(server.port(), "POST", "/v1/stalls/" + s.stall_id + "/device-tokens",
                        R"({"label":"điện thoại"})", s.manager),
                   "POST device-tokens", "token");
  return s;
}

}  // namespace cho4::itest
