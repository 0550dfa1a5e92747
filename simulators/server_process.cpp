#include "simulators/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

extern char** environ;

namespace cho4::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A bare TCP connect + "GET /healthz" check, without the HTTP client's machinery.
bool healthy(std::uint16_t port) {
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    const std::string req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    boost::asio::write(s, boost::asio::buffer(req));
    char buf[64] = {};
    boost::system::error_code ec;
    const auto n = s.read_some(boost::asio::buffer(buf, sizeof buf - 1), ec);
    return n >= 12 && std::string_view(buf, 12) == "HTTP/1.1 200";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

ServerProcess::ServerProcess(ServerLaunch launch) : launch_(std::move(launch)) {}

ServerProcess::~ServerProcess() {
  if (running()) stop(5000);
}

Status ServerProcess::start() {
  if (running()) return failed_precondition("the server is already running");
  std::error_code ec;
  fs::create_directories(launch_.data_dir, ec);
  if (ec) return io_error("create " + launch_.data_dir + ": " + ec.message());
  // Beside the data folder, not in it: the folder belongs to the server.
  const std::string config_path = launch_.data_dir + ".config.json";
  {
    std::ofstream out(config_path, std::ios::trunc);
    out << launch_.config_json;
    if (!out) return io_error("write " + config_path);
  }
  const std::string port_file = launch_.data_dir + "/server.port";
  fs::remove(port_file, ec);

  // A restart reuses the first start's port, so clients reconnect to the same address.
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> args = {launch_.binary, "serve",          "--config", config_path,
                                   "--data",       launch_.data_dir, "--listen", listen};
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : launch_.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int log_fd =
      ::open(launch_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return io_error("open " + launch_.log_file + ": " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return io_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::setpgid(0, 0);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::close(log_fd);
  pid_ = pid;

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(launch_.start_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid_ = -1;
      return unavailable("cho4 serve exited during start-up:\n" + log_tail());
    }
    // Re-read every time: the file may be caught half-written.
    const int port = std::atoi(read_file(port_file).c_str());
    if (port > 0 && port < 65536 && healthy(std::uint16_t(port))) {
      port_ = std::uint16_t(port);
      return Status();
    }
    std::this_thread::sleep_for(20ms);
  }
  kill_now();
  return unavailable("cho4 serve did not become healthy in time:\n" + log_tail());
}

void ServerProcess::kill_now() {
  const pid_t pid = pid_.exchange(-1);
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

std::string ServerProcess::stop(std::int64_t grace_ms) {
  const pid_t pid = pid_.load();
  if (pid <= 0) return "not running";
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid_ = -1;
      if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
      return "killed by signal " + std::to_string(WTERMSIG(status));
    }
    std::this_thread::sleep_for(10ms);
  }
  kill_now();
  return "did not stop within the grace period: killed";
}

std::uint64_t ServerProcess::rss_kb() const {
  const pid_t pid = pid_.load();
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  return 0;
}

std::string ServerProcess::admin_token() const {
  std::string t = read_file(launch_.data_dir + "/admin.token");
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return t;
}

std::string ServerProcess::log_tail(std::size_t bytes) const {
  const std::string all = read_file(launch_.log_file);
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

std::uint64_t raise_open_file_limit(std::uint64_t want) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  rlim_t target = rl.rlim_max == RLIM_INFINITY ? rlim_t(want) : std::min<rlim_t>(rl.rlim_max, want);
  if (target > rl.rlim_cur) {
    rl.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

int run_command(const std::vector<std::string>& argv_in, std::string& output) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return -1;
  std::vector<std::string> args = argv_in;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(pipefd[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) output.append(buf, std::size_t(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace cho4::sim
