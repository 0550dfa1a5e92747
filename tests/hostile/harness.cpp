// Implementation of the hardening suites' test support (harness.h).
#include "tests/hostile/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace cho4::hostile {
namespace {

using Clock = std::chrono::steady_clock;

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

int remaining_ms(Clock::time_point end) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::string HttpResponse::problem_slug() const {
  // A small scan rather than a JSON library: the body may be anything, and only "type" matters.
  const std::string_view base = "https://cho4.vn/problems/";
  const auto at = body.find(base);
  if (at == std::string::npos) return "";
  const auto start = at + base.size();
  const auto end = body.find('"', start);
  if (end == std::string::npos) return "";
  return body.substr(start, end - start);
}

Connection::~Connection() {
  close();
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    buffered_ = std::move(o.buffered_);
  }
  return *this;
}

bool Connection::open(std::uint16_t port, int receive_buffer_bytes) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (receive_buffer_bytes > 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close();
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

void Connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffered_.clear();
}

bool Connection::send_all(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, 5000) <= 0) return false;
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string Connection::read_some(std::chrono::milliseconds deadline, std::size_t max_bytes) {
  if (!buffered_.empty()) {
    std::string out = std::move(buffered_);
    buffered_.clear();
    return out;
  }
  if (fd_ < 0) return "";
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(deadline.count()));
  if (r <= 0) return "";
  std::string out(max_bytes, '\0');
  const ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
  if (n <= 0) return "";
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool Connection::wait_closed(std::chrono::milliseconds deadline) {
  if (fd_ < 0) return true;
  const auto end = Clock::now() + deadline;
  char buf[4096];
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, remaining_ms(end));
    if (r <= 0) return false;  // timeout: still open
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0 && errno != EINTR && errno != EAGAIN) return true;  // reset
  }
}

HttpResponse Connection::read_response(std::chrono::milliseconds deadline) {
  HttpResponse out;
  const auto end = Clock::now() + deadline;
  std::string data = std::move(buffered_);
  buffered_.clear();
  bool eof = false;
  auto fill = [&]() -> bool {  // false on timeout
    if (fd_ < 0) {
      eof = true;
      return true;
    }
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, remaining_ms(end));
    if (r <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) return true;
      eof = true;
      return true;
    }
    data.append(buf, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (eof) {
      out.closed = true;
      return out;
    }
    if (!fill()) return out;  // timeout
  }
  std::istringstream head(data.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  // "HTTP/1.1 400 Bad Request"
  if (line.size() >= 12 && line.compare(0, 5, "HTTP/") == 0) {
    out.status = std::atoi(line.c_str() + 9);
    out.reason = trim(line.size() > 13 ? std::string_view(line).substr(13) : "");
  }
  while (std::getline(head, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    out.headers.emplace_back(trim(std::string_view(line).substr(0, colon)),
                             trim(std::string_view(line).substr(colon + 1)));
  }
  // Fills `data` until it holds `n` bytes; false on timeout or when the peer closed first.
  auto need = [&](std::size_t n) {
    while (data.size() < n) {
      if (eof || !fill()) return false;
    }
    return true;
  };
  const std::size_t body_start = head_end + 4;
  const auto te = out.header("Transfer-Encoding");
  const auto cl = out.header("Content-Length");
  if (te && te->find("chunked") != std::string_view::npos) {
    std::size_t pos = body_start;
    for (;;) {
      std::size_t eol;
      while ((eol = data.find("\r\n", pos)) == std::string::npos) {
        if (eof || !fill()) return out;
      }
      const std::size_t size = std::strtoul(data.c_str() + pos, nullptr, 16);
      if (!need(eol + 2 + size + 2)) return out;
      out.body.append(data, eol + 2, size);
      pos = eol + 2 + size + 2;
      if (size == 0) break;
    }
    buffered_ = data.substr(pos);
  } else if (cl) {
    const std::size_t want = std::strtoul(std::string(*cl).c_str(), nullptr, 10);
    if (!need(body_start + want) && !eof) return out;
    out.body = data.substr(body_start, want);
    if (data.size() > body_start + want) buffered_ = data.substr(body_start + want);
  } else if (out.status == 101 || out.status == 204 || out.status == 304) {
    buffered_ = data.substr(body_start);
  } else {
    while (!eof && fill()) {
    }
    out.body = data.substr(body_start);
  }
  if (const auto c = out.header("Connection"); c && iequal(*c, "close")) out.closed = true;
  if (eof) out.closed = true;
  return out;
}

std::string format_request(std::string_view method, std::string_view target, const Headers& headers,
                           std::string_view body, bool keep_alive) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  bool has_length = false;
  for (const auto& [k, v] : headers) {
    if (iequal(k, "Content-Length")) has_length = true;
    r.append(k).append(": ").append(v).append("\r\n");
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH"))
    r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  if (!keep_alive) r.append("Connection: close\r\n");
  r.append("\r\n").append(body);
  return r;
}

HttpResponse http(std::uint16_t port, std::string_view method, std::string_view target,
                  const Headers& headers, std::string_view body,
                  std::chrono::milliseconds deadline) {
  Connection c;
  if (!c.open(port)) return {};
  if (!c.send_all(format_request(method, target, headers, body, false))) return {};
  return c.read_response(deadline);
}

std::string hmac_hex(std::string_view algorithm, std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* md = algorithm == "SHA512" ? EVP_sha512() : EVP_sha256();
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64_decode(std::string_view text) {
  std::string out(3 * (text.size() / 4) + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return "";
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (text.size() >= 1 && text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string hmac_base64(std::string_view algorithm, std::string_view key,
                        std::string_view message) {
  const std::string hex = hmac_hex(algorithm, key, message);
  std::string raw;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return base64_encode(raw);
}

std::filesystem::path cho4_binary() {
  const char* bin = std::getenv("CHO4_BINARY_DIR");
  return std::filesystem::path(bin ? bin : ".") / "switch" / "cho4";
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::pair<int, std::string> run_cho4(const std::vector<std::string>& args) {
  std::string cmd = cho4_binary().string();
  for (const auto& a : args) {
    cmd += " '";
    for (char c : a) {
      if (c == '\'')
        cmd += "'\\''";
      else
        cmd += c;
    }
    cmd += "'";
  }
  cmd += " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed"};
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}

bool server_available() {
  if (!std::filesystem::exists(cho4_binary())) return false;
  const auto [rc, out] = run_cho4({"serve", "--help"});
  return rc == 0 && out.find("serve") != std::string::npos;
}

namespace {

std::filesystem::path make_temp_dir() {
  std::string templ = (std::filesystem::temp_directory_path() / "cho4-hardening-XXXXXX").string();
  if (!::mkdtemp(templ.data())) return {};
  return templ;
}

}  // namespace

ServerProcess::~ServerProcess() {
  if (running()) stop();
  if (!dir_.empty() && !std::getenv("CHO4_KEEP_TEST_DATA")) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string ServerProcess::start(const Options& options) {
  dir_ = make_temp_dir();
  if (dir_.empty()) return "cannot create a temporary folder";
  boost::system::error_code ec;
  boost::json::value config = boost::json::parse(options.config_json, ec);
  if (ec || !config.is_object()) return "the test's configuration is not a JSON object";
  const auto port_file = dir_ / "port";
  config.as_object()["port_file"] = port_file.string();
  const auto config_path = dir_ / "cho4.json";
  std::ofstream(config_path) << boost::json::serialize(config);
  std::vector<std::string> args = {
      cho4_binary().string(), "serve",    "--config",   config_path.string(), "--data",
      data_dir().string(),    "--listen", "127.0.0.1:0"};
  for (const auto& a : options.extra_args) args.push_back(a);
  const int log_fd = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  // Ready when the port file names a port and /healthz answers there; a generous deadline
  // because sanitizer builds start slowly.
  const auto end = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < end && running()) {
    const std::string text = read_file(port_file);
    const int port = std::atoi(text.c_str());
    if (port > 0 && port < 65536) {
      port_ = static_cast<std::uint16_t>(port);
      const auto r = http(port_, "GET", "/healthz", {}, {}, std::chrono::seconds(2));
      if (r.status == 200) return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (running()) stop();
  std::string log = log_text();
  if (log.size() > 4000) log = log.substr(log.size() - 4000);
  return "cho4 serve did not become healthy; its log ends with:\n" + log;
}

bool ServerProcess::running() const {
  if (pid_ <= 0) return false;
  return ::waitpid(pid_, nullptr, WNOHANG) == 0;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto end = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (r < 0) {
      pid_ = -1;
      return -1;
    }
    if (Clock::now() > end) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::log_text() const {
  return read_file(log_path());
}

}  // namespace cho4::hostile
