#include "switch/http_session.h"

#include <boost/json.hpp>

#include "ledger/engine.h"
#include "switch/logger.h"
#include "switch/metrics.h"
#include "switch/problem.h"

namespace cho4::server {

// ---- connection registry ----

std::uint64_t ConnectionRegistry::add(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  std::uint64_t id = next_id_++;
  open_.emplace(id, c);
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  open_.erase(id);
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

void ConnectionRegistry::shutdown_all() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : open_)
      if (auto p = w.lock()) live.push_back(std::move(p));
  }
  for (auto& c : live) c->shutdown();
}

Registration::Registration(ServerContext& ctx, const std::shared_ptr<Connection>& c)
    : ctx_(&ctx), id_(ctx.connections.add(c)) {}

Registration::~Registration() {
  if (ctx_) ctx_->connections.remove(id_);
}

void close_stream(PlainStream& s) {
  beast::error_code ec;
  s.socket().shutdown(tcp::socket::shutdown_send, ec);
  s.socket().close(ec);
}

void close_stream(TlsStream& s) {
  // A synchronous close_notify could block on a stalled peer; the TCP close is what matters.
  beast::error_code ec;
  beast::get_lowest_layer(s).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(s).socket().close(ec);
}

namespace {

// How the request id is chosen: a client's X-Request-Id when short and printable, else ours.
std::string choose_request_id(ServerContext& ctx, const http::request_header<>& h) {
  auto it = h.find("X-Request-Id");
  if (it != h.end()) {
    auto v = it->value();
    bool sane = !v.empty() && v.size() <= 64;
    for (char c : v)
      sane =
          sane && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (sane) return std::string(v);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "r%08llx",
                static_cast<unsigned long long>(ctx.next_request_id.fetch_add(1)));
  return buf;
}

const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

template <class Stream>
class HttpSession final : public Connection {
 public:
  HttpSession(ServerContext& ctx, Stream stream, beast::flat_buffer buffer, std::string remote)
      : ctx_(ctx),
        stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        remote_(std::move(remote)) {}

  void start() {
    reg_.emplace(ctx_, shared_from_this());
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      net::dispatch(stream_.get_executor(), [s = self()] {
        beast::get_lowest_layer(s->stream_).expires_after(ms(kTlsHandshakeTimeoutMs));
        s->stream_.async_handshake(net::ssl::stream_base::server, s->buffer_.data(),
                                   beast::bind_front_handler(&HttpSession::on_handshake, s));
      });
    } else {
      net::dispatch(stream_.get_executor(),
                    beast::bind_front_handler(&HttpSession::wait_for_request, self()));
    }
  }

  void shutdown() override {
    net::post(stream_.get_executor(), [s = self()] {
      s->draining_ = true;
      // Idle between requests: nothing is lost by closing now. In flight: the response goes out
      // with Connection: close, then the session ends.
      if (s->state_ == State::idle) close_stream(s->stream_);
    });
  }

 private:
  enum class State { idle, reading, handling, writing };

  std::shared_ptr<HttpSession> self() {
    return std::static_pointer_cast<HttpSession>(shared_from_this());
  }

  const ServerLimits& limits() const { return ctx_.config.limits; }

  void on_handshake(beast::error_code ec, std::size_t used) {
    if (ec) return finish();
    buffer_.consume(used);
    wait_for_request();
  }

  // Waits for the first byte of the next request with the idle timeout (the header's own, shorter,
  // timeout starts when the request starts).
  void wait_for_request() {
    if (draining_) return close_stream(stream_);
    if (buffer_.size() > 0) return read_header();
    state_ = State::idle;
    beast::get_lowest_layer(stream_).expires_after(
        ms(first_ ? limits().header_read_timeout_ms : limits().keep_alive_idle_ms));
    stream_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&HttpSession::on_first_bytes, self()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return finish();  // idle timeout, peer closed, or shutdown
    buffer_.commit(n);
    read_header();
  }

  void read_header() {
    state_ = State::reading;
    first_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().header_bytes_max));
    parser_->body_limit(limits().body_bytes_max);
    beast::get_lowest_layer(stream_).expires_after(ms(limits().header_read_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, self()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit)
      return send_error(
          Problem::headers_too_large,
          "header block over " + std::to_string(limits().header_bytes_max) + " bytes");
    if (ec == beast::error::timeout) {
      ctx_.metrics.request_timeouts.fetch_add(1);
      return finish();
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof) return finish();
    // A declared Content-Length over the limit is refused while the header is read.
    if (ec == http::error::body_limit)
      return send_error(Problem::payload_too_large,
                        "body over " + std::to_string(limits().body_bytes_max) + " bytes");
    if (ec) return send_error(Problem::bad_request, ec.message());

    auto& req = parser_->get();
    // Request smuggling (RFC 9112 §6.3): a Transfer-Encoding other than exactly "chunked", or one
    // beside a Content-Length, leaves the message length ambiguous to a proxy in front of us, so
    // the request is refused and the connection closed.
    if (auto te = req.find(http::field::transfer_encoding); te != req.end()) {
      if (!beast::iequals(te->value(), "chunked"))
        return send_error(Problem::bad_request, "unsupported Transfer-Encoding");
      if (req.find(http::field::content_length) != req.end())
        return send_error(Problem::bad_request, "both Transfer-Encoding and Content-Length");
    }
    request_id_ = choose_request_id(ctx_, req);
    std::string_view target(req.target().data(), req.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    if (ctx_.api.is_stream_route(path) && websocket_upgrade(req)) {
      // The upgrade request has no body; hand the whole connection over.
      return dispatch_request();
    }
    std::size_t limit = ctx_.api.body_limit(
        std::string_view(req.method_string().data(), req.method_string().size()), path);
    if (auto cl = parser_->content_length(); cl && *cl > limit)
      return send_error(Problem::payload_too_large,
                        "body over " + std::to_string(limit) + " bytes");
    parser_->body_limit(limit);
    if (parser_->is_done()) return dispatch_request();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      beast::get_lowest_layer(stream_).expires_after(ms(limits().write_timeout_ms));
      return net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                              beast::bind_front_handler(&HttpSession::on_continue_sent, self()));
    }
    read_body();
  }

  static bool websocket_upgrade(const http::request<http::string_body>& req) {
    auto it = req.find(http::field::upgrade);
    return it != req.end() && beast::iequals(it->value(), "websocket");
  }

  void on_continue_sent(beast::error_code ec, std::size_t) {
    if (ec) return finish();
    read_body();
  }

  void read_body() {
    beast::get_lowest_layer(stream_).expires_after(ms(limits().body_read_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_body, self()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit)
      return send_error(Problem::payload_too_large, "body too large");
    if (ec == beast::error::timeout) {
      ctx_.metrics.request_timeouts.fetch_add(1);
      return finish();
    }
    // A malformed body (a bad chunk size, say) gets an answer before the connection closes;
    // transport errors just end it.
    if (ec && ec.category() == http::make_error_code(http::error::bad_chunk).category())
      return send_error(Problem::bad_request, ec.message());
    if (ec) return finish();
    dispatch_request();
  }

  void dispatch_request() {
    state_ = State::handling;
    beast::get_lowest_layer(stream_).expires_never();
    auto& msg = parser_->get();
    started_ = std::chrono::steady_clock::now();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) req.headers.add(std::string(f.name_string()), std::string(f.value()));
    req.remote = remote_;
    req.request_id = request_id_;
    keep_alive_ = msg.keep_alive();
    head_ = msg.method() == http::verb::head;
    auto parsed = parse_target(req.target);
    if (!parsed) return send_error(Problem::bad_request, "malformed request target");
    req.path = std::move(parsed->path);
    req.query = std::move(parsed->query);
    req.body = std::move(msg.body());
    method_ = req.method;
    target_for_log_ = req.target;
    route_ = std::string(ctx_.api.route_name(req.method, req.path));

    auto s = self();
    Executor exec = [s](std::function<void()> f) {
      net::post(s->stream_.get_executor(), std::move(f));
    };
    Reply reply = [s](Response r) { s->send(std::move(r)); };
    Decision d = ctx_.api.handle(req, std::move(reply), std::move(exec));
    if (auto* r = std::get_if<Response>(&d)) return send(std::move(*r));
    if (auto* g = std::get_if<StreamGrant>(&d)) return become_stream(*g);
    // Deferred: reply() arrives on our strand later.
  }

  void become_stream(const StreamGrant& g) {
    log_request(g.kind == StreamGrant::Kind::websocket ? 101 : 200);
    reg_.reset();  // the stream session registers itself
    if (g.kind == StreamGrant::Kind::websocket) {
      start_websocket_session(ctx_, std::move(stream_), parser_->release(), g, remote_);
    } else {
      start_sse_session(ctx_, std::move(stream_), g, request_id_, remote_);
    }
  }

  void send_error(Problem p, std::string detail) {
    // A request we could not read completely: answer and close (the stream is out of sync).
    keep_alive_ = false;
    if (route_.empty()) route_ = "unmatched";
    auto r = make_problem(p, detail, "");
    r.close = true;
    send(std::move(r));
  }

  void send(Response r) {
    state_ = State::writing;
    auto& res = res_;
    res = {};
    res.version(11);
    res.result(static_cast<unsigned>(r.status));
    res.set(http::field::server, "cho4");
    res.set(http::field::content_type, r.content_type);
    if (!request_id_.empty()) res.set("X-Request-Id", request_id_);
    for (auto& [k, v] : r.headers) res.insert(k, v);
    bool close = r.close || !keep_alive_ || draining_ || ctx_.draining.load();
    res.keep_alive(!close);
    close_after_ = close;
    res.body() = std::move(r.body);
    res.prepare_payload();
    if (head_) res.body().clear();
    status_ = r.status;
    log_this_ = r.log;
    beast::get_lowest_layer(stream_).expires_after(ms(limits().write_timeout_ms));
    if (head_) {
      sr_.emplace(res);
      return http::async_write_header(stream_, *sr_,
                                      beast::bind_front_handler(&HttpSession::on_write, self()));
    }
    http::async_write(stream_, res, beast::bind_front_handler(&HttpSession::on_write, self()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    sr_.reset();
    log_request(status_);
    if (ec || close_after_) return finish();
    parser_.reset();
    wait_for_request();
  }

  void log_request(int status) {
    if (route_.empty()) route_ = "unmatched";
    ctx_.metrics.record_request(route_, status);
    if (!ctx_.config.log_requests || !log_this_) return;
    log_this_ = true;
    auto elapsed = std::chrono::steady_clock::now() - started_;
    boost::json::object f;
    f["request_id"] = request_id_;
    f["method"] = method_;
    f["target"] = redact_target(target_for_log_);
    f["route"] = route_;
    f["status"] = status;
    f["remote"] = remote_;
    f["duration_us"] = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    ctx_.log.info("request", std::move(f));
  }

  void finish() {
    state_ = State::idle;
    close_stream(stream_);
  }

  ServerContext& ctx_;
  bool log_this_ = true;  // the response asked to be access-logged (floods are summarised)
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  std::optional<Registration> reg_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::optional<http::response_serializer<http::string_body>> sr_;
  State state_ = State::idle;
  bool first_ = true;
  bool keep_alive_ = true;
  bool close_after_ = false;
  bool draining_ = false;
  bool head_ = false;
  int status_ = 0;
  std::string request_id_;
  std::string method_;
  std::string target_for_log_;
  std::string route_;
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace

template <class Stream>
void start_http_session(ServerContext& ctx, Stream stream, beast::flat_buffer buffer,
                        std::string remote) {
  std::make_shared<HttpSession<Stream>>(ctx, std::move(stream), std::move(buffer),
                                        std::move(remote))
      ->start();
}

template void start_http_session<PlainStream>(ServerContext&, PlainStream, beast::flat_buffer,
                                              std::string);
template void start_http_session<TlsStream>(ServerContext&, TlsStream, beast::flat_buffer,
                                            std::string);

}  // namespace cho4::server
