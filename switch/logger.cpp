#include "switch/logger.h"

#include <unistd.h>

#include <boost/json.hpp>

namespace cho4::server {

void Logger::log(Level level, std::string_view msg, boost::json::object fields) {
  if (!enabled_ || level < min_) return;
  static constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
  boost::json::object line;
  line["ts"] = format_rfc3339_utc(clock_.now_ms());
  line["level"] = kNames[static_cast<int>(level)];
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  std::string text = boost::json::serialize(line);
  text += '\n';
  std::lock_guard lock(mu_);
  std::size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd_, text.data() + off, text.size() - off);
    if (n <= 0) return;  // logging must never take the server down
    off += static_cast<std::size_t>(n);
  }
}

std::string redact_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = part.find('=');
    if (!first) out += '&';
    first = false;
    out += part.substr(0, eq);
    if (eq != std::string_view::npos) out += "=…";
  }
  return out;
}

}  // namespace cho4::server
