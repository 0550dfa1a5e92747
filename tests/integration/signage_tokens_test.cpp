// The real `cho4 serve` over real sockets: printing signs (POST /v1/markets/{id}/signage, the PDF
// rasterised with poppler and its QR decoded with ZXing), the sign check with a check code, and
// listing and revoking device tokens (a revoked token gets 401, its open stream is closed, and the
// revocation survives a restart).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "qr/scan.h"
#include "qr/signage/check_code.h"
#include "server_process.h"
#include "switch/limits.h"

namespace cho4::itest {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr char kSecretEnv[] = "CHO4_ITEST_SIGNAGE_SECRET";
constexpr char kSecret[] = "itest-signage-secret-0123456789abcdef";
// How long a test waits for the server to close a stream it should close.
constexpr int kCloseWaitMs = 10'000;

std::string problem_slug(const HttpResult& r) {
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("type"))
    return "(not problem+json: " + r.body + ")";
  std::string t(v.at("type").as_string());
  return t.substr(t.rfind('/') + 1);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A scratch folder removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("cho4-signage-it-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

bool run(const std::string& cmd) {
  return std::system(cmd.c_str()) == 0;
}

// Page 1 of a PDF as a PNG (150 dpi), or "" when poppler fails.
fs::path rasterise(const fs::path& pdf, const fs::path& dir) {
  const fs::path prefix = dir / "page";
  if (!run("pdftoppm -r 150 -png -singlefile -f 1 -l 1 '" + pdf.string() + "' '" + prefix.string() +
           "'"))
    return {};
  return prefix.string() + ".png";
}

std::string pdf_text(const fs::path& pdf, const fs::path& dir) {
  const fs::path out = dir / "text.txt";
  if (!run("pdftotext -layout '" + pdf.string() + "' '" + out.string() + "'")) return {};
  return slurp(out);
}

HttpResult print_signs(const ServerProcess& server, const std::string& market,
                       const std::string& body, const std::string& bearer,
                       const std::string& query = {}) {
  return http(server.port(), "POST", "/v1/markets/" + market + "/signage" + query, body, bearer,
              {{"Content-Type", "application/json"}});
}

json::object server_config() {
  return json::object{{"signage_secret_env", kSecretEnv}};
}

TEST(Signage, PdfQrIsTheStallsStaticPayloadWithCheckCode) {
  ::setenv(kSecretEnv, kSecret, 1);
  ServerProcess server(server_config());
  ASSERT_TRUE(server.started());
  auto st = make_stall(server, "0123456789");
  auto stall = http(server.port(), "GET", "/v1/stalls/" + st.stall_id, {}, st.manager).json();
  const std::string payload(stall.at("static_payload").as_string());
  ASSERT_FALSE(payload.empty());

  auto r =
      print_signs(server, st.market_id, R"({"stall_ids":[")" + st.stall_id + R"("]})", st.manager);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/pdf");
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(r.header("Cho4-Unverified-Stalls"), st.stall_id);  // no real credit yet
  EXPECT_EQ(r.header("Cho4-Sign-Count"), "1");
  EXPECT_NE(r.header("Content-Disposition").find("attachment"), std::string::npos);

  TempDir tmp;
  const fs::path pdf = tmp.path / "signs.pdf";
  std::ofstream(pdf, std::ios::binary) << r.body;
  const fs::path png = rasterise(pdf, tmp.path);
  ASSERT_FALSE(png.empty()) << "pdftoppm failed";
  auto codes = qr::scan_image_file(png.string());
  ASSERT_TRUE(codes.ok()) << codes.error().message();
  EXPECT_EQ(*codes, std::vector<std::string>{payload});

  // The text layer: the stall's number and holder from its profile, and the check code the
  // market's secret gives this payload.
  auto key = signage::CheckCodeKey::from_secret(kSecret);
  ASSERT_TRUE(key.ok());
  const std::string code = signage::format_check_code(key->code_for(payload));
  const std::string text = pdf_text(pdf, tmp.path);
  EXPECT_NE(text.find("A12"), std::string::npos) << text;
  EXPECT_NE(text.find("NGUYEN THI LAN"), std::string::npos) << text;
  EXPECT_NE(text.find(code), std::string::npos) << code << " in\n" << text;

  // The printed page is a photo of the sign: the sign check finds the stall's code and the
  // typed check code matches; a forged one does not.
  const std::string photo = slurp(png);
  auto check = [&](const std::string& typed) {
    return http(server.port(), "POST",
                "/v1/stalls/" + st.stall_id + "/sign-check?check_code=" + typed, photo, st.manager,
                {{"Content-Type", "image/png"}});
  };
  auto good = check(code);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(good.json().at("genuine").as_bool());
  EXPECT_TRUE(good.json().at("registered_payload").as_bool());
  EXPECT_EQ(good.json().at("check_code").at("status").as_string(), "match");
  auto forged = check("7K2M-QX9D");
  ASSERT_EQ(forged.status, 200) << forged.body;
  EXPECT_EQ(forged.json().at("check_code").at("status").as_string(), "mismatch");
  auto typo = check("7K2M");
  ASSERT_EQ(typo.status, 200) << typo.body;
  EXPECT_EQ(typo.json().at("check_code").at("status").as_string(), "malformed");

  // A first real credit verifies the stall: the warning header goes away.
  Client c(server.port());
  auto w = send_webhook(c, sepay_webhook(4001, 10000, st.account, "thu QR"));
  ASSERT_EQ(w.status, 200) << w.body;
  auto again = print_signs(server, st.market_id, R"({"stall_ids":[")" + st.stall_id + R"("]})",
                           st.manager, "?layout=a6");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.header("Cho4-Unverified-Stalls"), "");
}

TEST(Signage, ErrorsAreTypedProblems) {
  ServerProcess server;
  ASSERT_TRUE(server.started());
  auto st = make_stall(server, "0123456789");
  auto other = make_stall(server, "5555555555");  // another market
  const std::string& mgr = st.manager;
  auto expect = [&](const HttpResult& r, int status, const std::string& slug) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << r.body;
    EXPECT_EQ(problem_slug(r), slug);
  };
  expect(print_signs(server, st.market_id, R"({"stall_ids":[]})", mgr), 400, "invalid-field");
  expect(print_signs(server, st.market_id, R"({"stall_ids":"1"})", mgr), 400, "invalid-field");
  expect(print_signs(server, st.market_id, R"({"stall_ids":[true]})", mgr), 400, "invalid-field");
  expect(print_signs(server, st.market_id, R"({})", mgr), 400, "invalid-field");
  expect(print_signs(server, st.market_id, R"({"stall_ids":["999999"]})", mgr), 404, "not-found");
  expect(print_signs(server, st.market_id, R"({"stall_ids":[")" + other.stall_id + R"("]})", mgr),
         404, "not-found");
  expect(print_signs(server, st.market_id, R"({"stall_ids":[")" + st.stall_id + R"("]})", mgr,
                     "?layout=qr_only"),
         400, "invalid-field");
  std::string many = R"({"stall_ids":[)";
  for (std::size_t i = 1; i <= server::kSignageStallsMax + 1; ++i)
    many += (i > 1 ? "," : "") + std::to_string(i);
  expect(print_signs(server, st.market_id, many + "]}", mgr), 413, "payload-too-large");
  // Auth: the same rules as every market route.
  const std::string one = R"({"stall_ids":[")" + st.stall_id + R"("]})";
  expect(print_signs(server, st.market_id, one, ""), 401, "unauthenticated");
  expect(print_signs(server, st.market_id, one, st.device), 403, "forbidden");
  expect(print_signs(server, st.market_id, one, other.manager), 403, "forbidden");
  // An inactive stall is not printed.
  auto off = http(server.port(), "PATCH", "/v1/stalls/" + st.stall_id, R"({"active":false})", mgr,
                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(off.status, 200) << off.body;
  expect(print_signs(server, st.market_id, one, mgr), 409, "conflict");
}

TEST(DeviceTokens, ListRevokeCloseStreamAndSurviveRestart) {
  auto first = std::make_unique<ServerProcess>();
  ASSERT_TRUE(first->started());
  auto st = make_stall(*first, "0123456789");
  const std::string base = "/v1/stalls/" + st.stall_id + "/device-tokens";
  auto issued = http(first->port(), "POST", base, R"({"label":"máy 2"})", st.manager,
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string second(issued.json().at("token").as_string());
  const std::string second_id(issued.json().at("id").as_string());
  ASSERT_EQ(second_id.size(), 16u);

  auto list = http(first->port(), "GET", base, {}, st.manager);
  ASSERT_EQ(list.status, 200) << list.body;
  const auto listed = list.json();
  const auto& tokens = listed.at("tokens").as_array();
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].at("label").as_string(), "điện thoại");
  EXPECT_EQ(tokens[1].at("label").as_string(), "máy 2");
  EXPECT_EQ(tokens[1].at("id").as_string(), second_id);
  EXPECT_TRUE(tokens[1].at("active").as_bool());
  EXPECT_TRUE(tokens[1].at("revoked_at").is_null());
  EXPECT_FALSE(tokens[1].as_object().contains("token"));
  // Never the secrets, nor their full hashes.
  EXPECT_EQ(list.body.find(second), std::string::npos);
  EXPECT_EQ(list.body.find(st.device), std::string::npos);
  // Devices may not list or revoke.
  EXPECT_EQ(http(first->port(), "GET", base, {}, st.device).status, 403);
  EXPECT_EQ(http(first->port(), "DELETE", base + "/" + second_id, {}, st.device).status, 403);

  // The second device listens (SSE) and holds a ticket for later.
  Client stream(first->port());
  ASSERT_TRUE(stream.write("GET /v1/stalls/" + st.stall_id +
                           "/events?after=0 HTTP/1.1\r\nHost: cho4\r\nAuthorization: Bearer " +
                           second + "\r\n\r\n"));
  auto ticket = http(first->port(), "POST", "/v1/tickets", "{}", second,
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(ticket.status, 201) << ticket.body;
  const std::string ticket_text(ticket.json().at("ticket").as_string());
  EXPECT_EQ(http(first->port(), "GET", "/v1/stalls/" + st.stall_id, {}, second).status, 200);

  auto revoked = http(first->port(), "DELETE", base + "/" + second_id, {}, st.manager);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.json().at("revoked_at").is_null());
  EXPECT_FALSE(revoked.json().at("active").as_bool());
  // Its open stream is closed, and it opens nothing new: API, stream, ticket.
  EXPECT_TRUE(stream.closed_by_server(kCloseWaitMs));
  EXPECT_EQ(http(first->port(), "GET", "/v1/stalls/" + st.stall_id, {}, second).status, 401);
  EXPECT_EQ(http(first->port(), "GET", "/v1/stalls/" + st.stall_id + "/events", {}, second).status,
            401);
  EXPECT_EQ(
      http(first->port(), "GET", "/v1/stalls/" + st.stall_id + "/events?ticket=" + ticket_text)
          .status,
      401);
  // The other device is untouched; revoking again answers the same; unknown ids are 404.
  EXPECT_EQ(http(first->port(), "GET", "/v1/stalls/" + st.stall_id, {}, st.device).status, 200);
  EXPECT_EQ(http(first->port(), "DELETE", base + "/" + second_id, {}, st.manager).status, 200);
  auto unknown = http(first->port(), "DELETE", base + "/0000000000000000", {}, st.manager);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(problem_slug(unknown), "not-found");
  auto malformed = http(first->port(), "DELETE", base + "/abc", {}, st.manager);
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(problem_slug(malformed), "invalid-field");

  // Durable: after a restart on the same data the token is still revoked.
  const fs::path data = first->data_dir();
  ASSERT_EQ(first->stop(), 0);
  ServerProcess second_run({}, {}, data);
  ASSERT_TRUE(second_run.started());
  EXPECT_EQ(http(second_run.port(), "GET", "/v1/stalls/" + st.stall_id, {}, second).status, 401);
  EXPECT_EQ(http(second_run.port(), "GET", "/v1/stalls/" + st.stall_id, {}, st.device).status, 200);
  auto after = http(second_run.port(), "GET", base, {}, st.manager);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_FALSE(after.json().at("tokens").as_array()[1].at("active").as_bool());
}

}  // namespace
}  // namespace cho4::itest
