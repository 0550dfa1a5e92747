// Logger: structured JSON log lines ({"ts","level","msg",…fields}) to one file descriptor
// (stderr by default). Callers never pass secrets, tokens, tickets or request bodies: fields are
// chosen explicitly at each call site and query strings are logged without their values.
// Thread-safe: one write(2) per line, under a mutex.
#pragma once

#include <mutex>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.h"

namespace cho4::server {

class Logger {
 public:
  enum class Level { debug, info, warn, error };
  Logger(const Clock& clock, int fd = 2, Level min = Level::info)
      : clock_(clock), fd_(fd), min_(min) {}

  void log(Level level, std::string_view msg, boost::json::object fields = {});
  void info(std::string_view msg, boost::json::object fields = {}) {
    log(Level::info, msg, std::move(fields));
  }
  void warn(std::string_view msg, boost::json::object fields = {}) {
    log(Level::warn, msg, std::move(fields));
  }
  void error(std::string_view msg, boost::json::object fields = {}) {
    log(Level::error, msg, std::move(fields));
  }
  void set_enabled(bool on) { enabled_ = on; }

 private:
  const Clock& clock_;
  int fd_;
  Level min_;
  bool enabled_ = true;
  std::mutex mu_;
};

// A target for logs: the path, plus the query's keys with their values replaced by "…" (tickets
// and cursors travel in queries).
std::string redact_target(std::string_view target);

}  // namespace cho4::server
