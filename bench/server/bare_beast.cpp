// cho4-bare-beast: the reference for the webhook benchmark — a Beast HTTP/1.1 server on one I/O
// thread that reads each request (body included) and answers 200 {"success":true} with no work.
// Same session shape as cho4's (strand per connection, keep-alive, one write in flight), so the
// ratio cho4 / bare measures what cho4 adds: authentication, parsing, the ledger and its fsync.
//   cho4-bare-beast PORT
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket s) : stream_(std::move(s)) {}
  void run() { do_read(); }

 private:
  void do_read() {
    req_ = {};
    http::async_read(stream_, buf_, req_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    res_ = {};
    res_.version(11);
    res_.result(http::status::ok);
    res_.set(http::field::server, "bare");
    res_.set(http::field::content_type, "application/json");
    res_.keep_alive(req_.keep_alive());
    res_.body() = R"({"success":true})";
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec || !res_.keep_alive()) return;
    do_read();
  }
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

void accept(tcp::acceptor& a, net::io_context& ioc) {
  a.async_accept(net::make_strand(ioc), [&a, &ioc](beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(s))->run();
    }
    accept(a, ioc);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cho4-bare-beast PORT\n");
    return 2;
  }
  net::io_context ioc(1);
  tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                     static_cast<unsigned short>(std::atoi(argv[1]))));
  accept(a, ioc);
  ioc.run();
}
