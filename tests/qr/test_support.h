// Helpers for qr's image tests: temporary files and running external programs.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cho4::qr::testing {

// A fresh temporary directory, removed with its content at destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cho4-qr-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command, capturing stdout and (unless stdout_only) stderr.
inline CommandResult run(const std::string& command, bool stdout_only = false) {
  CommandResult r;
  std::FILE* p = ::popen((stdout_only ? command + " 2>/dev/null" : command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string cho4_binary() {
  const char* dir = std::getenv("CHO4_BINARY_DIR");
  return std::string(dir ? dir : ".") + "/switch/cho4";
}

}  // namespace cho4::qr::testing
