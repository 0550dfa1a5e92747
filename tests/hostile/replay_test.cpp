// Replays the hostile-input corpus (tests/hostile/cases/) against the real `cho4 serve` over
// loopback: each case must get its documented status and problem type (or WebSocket close code),
// never a 5xx; the server must answer /healthz after every case; and the ledger must be exactly
// as it was (the same totals, history and report through the API, then `cho4 ledger check`).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "tests/hostile/corpus.h"
#include "tests/hostile/harness.h"
#include "tests/hostile/scenario.h"

namespace cho4::hostile {
namespace {

using namespace std::chrono_literals;

std::filesystem::path cases_dir() {
  const char* src = std::getenv("CHO4_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / "tests" / "hostile" / "cases";
}

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string join(const std::vector<int>& v) {
  std::string out;
  for (int x : v) out += (out.empty() ? "" : "|") + std::to_string(x);
  return out;
}

// Runs one HTTP or raw case; returns "" when the answer is the documented one.
std::string run_http_case(std::uint16_t port, const Case& c, const std::string& request,
                          std::string& seen) {
  Connection conn;
  if (!conn.open(port)) return "cannot connect";
  // A server may answer (413, 431, 400) before the whole request is sent and close: that is
  // fine, so a failed send is not an error by itself; the answer decides.
  conn.send_all(request);
  const HttpResponse r = conn.read_response(15s);
  seen = std::to_string(r.status) + " " + r.problem_slug();
  if (r.status == 0) {
    if (r.closed && contains(c.expect.statuses, 0)) {
      seen = "closed";
      return "";
    }
    return r.closed ? "closed without a response" : "no response within 15 s";
  }
  if (r.status >= 500) return "server error " + std::to_string(r.status) + ": " + r.body;
  if (!contains(c.expect.statuses, r.status))
    return "status " + std::to_string(r.status) + ", expected " + join(c.expect.statuses) +
           " (body: " + r.body.substr(0, 300) + ")";
  const std::string slug = r.problem_slug();
  if (!c.expect.slugs.empty() && !contains(c.expect.slugs, slug)) {
    std::string want;
    for (const auto& s : c.expect.slugs) want += (want.empty() ? "" : "|") + s;
    return "problem type '" + slug + "', expected " + want + " (body: " + r.body.substr(0, 300) +
           ")";
  }
  if (!c.expect.slugs.empty()) {
    const auto ct = r.header("Content-Type");
    if (!ct || ct->find("application/problem+json") == std::string_view::npos)
      return "a problem answered without Content-Type application/problem+json";
  }
  if (c.expect.no_problem && !slug.empty()) return "unexpected problem body: " + r.body;
  for (const auto& f : c.forbid)
    if (r.body.find(f) != std::string::npos) return "the answer contains '" + f + "'";
  if (c.expect.must_close && !r.closed && !conn.wait_closed(5s))
    return "the connection stayed open after a request it could not frame";
  if (c.mode == CaseMode::raw) {
    // Whatever followed the rejected request must never be answered as a request of its own.
    const std::string more = conn.read_some(300ms);
    if (more.rfind("HTTP/", 0) == 0)
      return "a smuggled request was answered: " + more.substr(0, 80);
  }
  return "";
}

std::string run_ws_case(std::uint16_t port, const Case& c, const std::string& upgrade,
                        const std::vector<std::string>& frames, std::string& seen) {
  Connection conn;
  if (!conn.open(port)) return "cannot connect";
  if (!conn.send_all(upgrade)) return "cannot send the upgrade";
  const HttpResponse r = conn.read_response(10s);
  if (r.status != 101) return "upgrade answered " + std::to_string(r.status) + ": " + r.body;
  for (const auto& f : frames)
    if (!conn.send_all(f)) break;  // the server closed on us: read what it said
  std::string bytes;
  const auto end = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < end) {
    const std::string more = conn.read_some(1s);
    if (more.empty()) {
      if (conn.wait_closed(0ms)) break;
      continue;
    }
    bytes += more;
    for (const auto& frame : parse_ws_frames(bytes)) {
      if (frame.opcode != 8) continue;  // events and pings before the close
      const int code = frame.payload.size() >= 2
                           ? (static_cast<unsigned char>(frame.payload[0]) << 8) |
                                 static_cast<unsigned char>(frame.payload[1])
                           : 1005;
      seen = "close " + std::to_string(code);
      if (!contains(c.expect.ws_close_codes, code))
        return "closed with " + std::to_string(code) + ", expected " +
               join(c.expect.ws_close_codes);
      return "";
    }
  }
  const bool closed = conn.wait_closed(2s);
  seen = closed ? "dropped" : "still open";
  if (closed && c.expect.ws_drop_ok) return "";
  return closed ? "connection dropped without a close frame" : "the server kept the connection";
}

TEST(HostileReplay, EveryCaseGetsItsDocumentedAnswerAndTheLedgerIsUnchanged) {
  const ScenarioSecrets secrets;
  ServerProcess server;
  const std::string started = server.start(scenario_server_options(secrets));
  ASSERT_EQ(started, "");
  Scenario scenario;
  const std::string built = build_scenario(server, secrets, scenario);
  ASSERT_EQ(built, "") << server.log_text().substr(0, 2000);
  const std::string before = ledger_snapshot(server.port(), scenario);

  const auto files = case_files(cases_dir());
  ASSERT_GE(files.size(), 100u);
  std::size_t passed = 0;
  for (const auto& f : files) {
    const auto name = std::filesystem::relative(f, cases_dir()).replace_extension().string();
    std::string error;
    const auto c = parse_case(name, read_file(f), error);
    ASSERT_TRUE(c) << name << ": " << error;
    const Vars vars = scenario_vars(secrets, scenario);
    const auto request = build_request(*c, vars, error);
    ASSERT_TRUE(request) << name << ": " << error;
    std::string seen, failure;
    if (c->mode == CaseMode::ws) {
      const auto frames = build_frames(*c, vars, error);
      ASSERT_TRUE(frames) << name << ": " << error;
      failure = run_ws_case(server.port(), *c, *request, *frames, seen);
    } else {
      failure = run_http_case(server.port(), *c, *request, seen);
    }
    EXPECT_EQ(failure, "") << name << " (" << c->why << ")";
    if (failure.empty()) ++passed;
    std::printf("  %-50s %s\n", name.c_str(), seen.c_str());
    const auto health = http(server.port(), "GET", "/healthz", {}, {}, 10s);
    ASSERT_EQ(health.status, 200) << "the server is unhealthy after " << name;
  }
  std::printf("%zu of %zu hostile cases answered as documented\n", passed, files.size());

  EXPECT_EQ(ledger_snapshot(server.port(), scenario), before)
      << "hostile input changed totals, history or the report";
  EXPECT_EQ(server.stop(), 0) << server.log_text().substr(0, 2000);
  const auto [rc, out] = run_cho4({"ledger", "check", "--data", server.ledger_dir().string()});
  EXPECT_EQ(rc, 0) << out;
}

}  // namespace
}  // namespace cho4::hostile
