// Secrets never leak: a whole scenario (markets, stalls, tokens, browser tickets and cookies,
// genuine and forged webhooks, scope violations, a backup) runs against the real `cho4 serve`
// with secrets the test knows. Afterwards no log line and no error body contains any of them, no
// stored file holds a raw device or manager token (they are stored hashed) or an adapter secret,
// and the data folder, the admin token file and the backup are owner-only.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>

#include <fstream>

#include "tests/hostile/harness.h"
#include "tests/hostile/scenario.h"

namespace cho4::hostile {
namespace {

using namespace std::chrono_literals;

std::string json_field(const std::string& body, const char* key) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const auto* f = v.as_object().if_contains(key);
  return f && f->is_string() ? std::string(f->as_string()) : "";
}

bool owner_only(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return false;
  return (st.st_mode & 077) == 0;
}

std::string mode_of(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return "missing";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", st.st_mode & 07777);
  return buf;
}

TEST(Secrets, NoSecretInLogsErrorBodiesOrStoredFilesAndOwnerOnlyData) {
  const ScenarioSecrets secrets;
  ServerProcess server;
  ASSERT_EQ(server.start(scenario_server_options(secrets)), "");
  Scenario s;
  ASSERT_EQ(build_scenario(server, secrets, s), "") << server.log_text().substr(0, 2000);
  const auto port = server.port();

  std::vector<std::string> watched = secrets.all();
  for (const auto& t : s.tokens()) watched.push_back(t);
  std::vector<HttpResponse> errors;  // every non-2xx answer
  auto record = [&](HttpResponse r) {
    if (r.status < 200 || r.status >= 300) errors.push_back(r);
    return r;
  };
  const Headers device{{"Authorization", "Bearer " + s.device},
                       {"Content-Type", "application/json"}};

  // A browser ticket and a session cookie: both are secrets too, and the ticket travels in a URL.
  auto r = record(http(port, "POST", "/v1/tickets", device, "{}"));
  ASSERT_EQ(r.status / 100, 2) << r.body;
  const std::string ticket = json_field(r.body, "ticket");
  ASSERT_FALSE(ticket.empty()) << r.body;
  watched.push_back(ticket);
  {
    Connection sse;
    ASSERT_TRUE(sse.open(port));
    ASSERT_TRUE(sse.send_all("GET /v1/stalls/" + s.stall + "/events?ticket=" + ticket +
                             " HTTP/1.1\r\nHost: cho4\r\n\r\n"));
    const std::string head = sse.read_some(5s);
    EXPECT_NE(head.find(" 200 "), std::string::npos) << head;
  }
  r = record(http(port, "POST", "/v1/session", device, "{}"));
  EXPECT_EQ(r.status / 100, 2) << r.body;
  record(http(port, "GET", "/v1/stalls/" + s.stall + "/totals",
              {{"Cookie", "cho4_device=" + s.device}}));

  // Genuine traffic: orders and paid credits.
  for (int i = 0; i < 5; ++i) {
    r = record(http(port, "POST", "/v1/stalls/" + s.stall + "/orders", device,
                    R"({"amount_vnd": 25000, "note": "bánh mì"})"));
    EXPECT_EQ(r.status / 100, 2) << r.body;
    const auto w = sepay_webhook(secrets, 930000 + i, 25000, s.stall_account,
                                 json_field(r.body, "reference") + " banh mi", unix_now_s());
    EXPECT_EQ(record(http(port, "POST", w.target, w.headers, w.body)).status, 200);
  }

  // Mistakes and attacks that carry secrets in places a careless server would echo or log.
  record(http(port, "GET", "/v1/stalls/" + s.stall_other + "/totals",
              {{"Authorization", "Bearer " + s.device}}));  // wrong scope: 403
  record(http(port, "GET", "/v1/markets/" + s.market,
              {{"Authorization", "Bearer " + secrets.sepay_hmac}}));  // a secret as a token
  record(http(port, "GET", "/v1/stalls/" + s.stall + "/totals?token=" + s.manager, {}));
  record(http(port, "GET", "/v1/stalls/" + s.stall + "/events?ticket=" + ticket + "x", {}));
  record(http(port, "POST", "/v1/webhooks/sepay-apikey",
              {{"Authorization", "Apikey " + secrets.sepay_apikey + "-wrong"},
               {"Content-Type", "application/json"}},
              R"({"id": 1})"));
  record(http(port, "POST", "/v1/webhooks/casso1",
              {{"Secure-Token", secrets.casso_v1_token.substr(0, 10)},
               {"Content-Type", "application/json"}},
              R"({"error":0,"data":[]})"));
  record(http(port, "POST", "/v1/webhooks/vietqr/token_generate",
              {{"Authorization",
                "Basic " + base64_encode("hostile:" + secrets.vietqr_password + "-wrong")}}));
  record(http(port, "POST", "/v1/markets/" + s.market + "/stalls",
              {{"Authorization", "Bearer " + s.manager}, {"Content-Type", "application/json"}},
              R"({"number": "B1", "name": ")" + secrets.payos_checksum + R"(", "bank": "x"})"));

  // A backup through the running server.
  const auto backup_dir = server.dir() / "backup-1";
  r = record(http(port, "POST", "/v1/admin/backup",
                  {{"Authorization", "Bearer " + s.admin}, {"Content-Type", "application/json"}},
                  R"({"to": ")" + backup_dir.string() + R"("})"));
  EXPECT_EQ(r.status / 100, 2) << r.body;

  ASSERT_EQ(server.stop(), 0);

  EXPECT_GE(errors.size(), 7u);
  const std::string log = server.log_text();
  EXPECT_FALSE(log.empty()) << "the server logged nothing at all";
  for (const auto& secret : watched) {
    ASSERT_GE(secret.size(), 8u);
    EXPECT_EQ(log.find(secret), std::string::npos)
        << "a secret or token appears in the server's log: " << secret.substr(0, 6) << "…";
    for (const auto& e : errors) {
      EXPECT_EQ(e.body.find(secret), std::string::npos)
          << "an error body (" << e.status << ") contains a secret: " << e.body.substr(0, 200);
    }
  }

  // Owner-only storage.
  EXPECT_TRUE(owner_only(server.data_dir())) << "data folder mode " << mode_of(server.data_dir());
  EXPECT_TRUE(owner_only(server.data_dir() / "admin.token"))
      << "admin.token mode " << mode_of(server.data_dir() / "admin.token");
  EXPECT_TRUE(owner_only(backup_dir)) << "backup folder mode " << mode_of(backup_dir);

  // Stored hashed: no raw management token and no adapter secret in any stored file (the admin
  // token file is the one place the admin token is written, by design).
  std::vector<std::string> never_stored = secrets.all();
  for (const auto& t : {s.manager, s.manager_other, s.device, s.device_other, s.device_revoked})
    never_stored.push_back(t);
  for (const auto& root : {server.data_dir(), backup_dir}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root, ec)) {
      if (!e.is_regular_file()) continue;
      const std::string bytes = read_file(e.path());
      for (const auto& secret : never_stored) {
        EXPECT_EQ(bytes.find(secret), std::string::npos)
            << e.path() << " holds a raw token or secret " << secret.substr(0, 6) << "…";
      }
      if (e.path().filename() != "admin.token") {
        EXPECT_EQ(bytes.find(s.admin), std::string::npos) << e.path() << " holds the admin token";
      }
    }
  }
}

}  // namespace
}  // namespace cho4::hostile
