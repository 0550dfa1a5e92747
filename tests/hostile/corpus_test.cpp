// The hostile-input corpus itself: every case file is well-formed, expands with the variables the
// replay provides (so a typo cannot silently skip a case), covers every attack family the
// hardening issue names, and the template and frame helpers produce exact bytes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "tests/hostile/corpus.h"
#include "tests/hostile/harness.h"

namespace cho4::hostile {
namespace {

std::filesystem::path cases_dir() {
  const char* src = std::getenv("CHO4_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / "tests" / "hostile" / "cases";
}

// Every variable replay_test.cpp defines, with sample values.
Vars replay_vars() {
  Vars v;
  for (const char* k : {"admin",
                        "manager",
                        "manager_other",
                        "device",
                        "device_other",
                        "device_revoked",
                        "market",
                        "market_other",
                        "stall",
                        "stall_other",
                        "stall_account",
                        "order",
                        "ts",
                        "ts_old",
                        "ts_future",
                        "ts_ms",
                        "fresh_id",
                        "msgid",
                        "sepay_half_sig",
                        "replay_ts",
                        "replay_sig",
                        "replay_body",
                        "replay_body_tampered"})
    v[k] = std::string("v_") + k;
  v["sepay_secret"] = "sepay-secret";
  v["stdwh_secret"] = "whsec_" + base64_encode("standard-webhooks-secret");
  return v;
}

TEST(HostileCorpus, EveryCaseParsesAndExpands) {
  const auto files = case_files(cases_dir());
  ASSERT_GE(files.size(), 100u) << "the issue asks for at least 100 hostile requests";
  std::set<std::string> groups;
  for (const auto& f : files) {
    std::string error;
    const auto name = std::filesystem::relative(f, cases_dir()).replace_extension().string();
    const auto c = parse_case(name, read_file(f), error);
    ASSERT_TRUE(c.has_value()) << f << ": " << error;
    groups.insert(name.substr(0, name.find('/')));
    const auto request = build_request(*c, replay_vars(), error);
    ASSERT_TRUE(request.has_value()) << f << ": " << error;
    if (c->mode != CaseMode::raw) {
      EXPECT_NE(request->find(" HTTP/1."), std::string::npos) << f;
    }
    if (c->mode == CaseMode::ws) {
      const auto frames = build_frames(*c, replay_vars(), error);
      ASSERT_TRUE(frames.has_value()) << f << ": " << error;
    } else {
      // Expectations are documented answers: never a 2xx for a malformed request except the
      // webhook cases that the contract answers with the provider's success body.
      // webhook cases the contract answers with the provider's success body, and protocol
      // leniency RFC 9112 allows (obs-fold replaced by a space) next to the rejection.
      bool has_4xx = false;
      for (int s : c->expect.statuses) has_4xx = has_4xx || (s >= 400 && s < 500);
      for (int s : c->expect.statuses) {
        if (s >= 200 && s < 300) {
          EXPECT_TRUE(name.rfind("webhooks/", 0) == 0 || has_4xx) << name;
        }
      }
    }
  }
  for (const char* g : {"json", "amounts", "content-type", "limits", "smuggling", "paths", "auth",
                        "webhooks", "websocket"})
    EXPECT_TRUE(groups.count(g)) << "no cases for " << g;
}

TEST(HostileCorpus, HttpModeComputesLengthAndCrlf) {
  std::string error;
  const auto c = parse_case("t",
                            "# why: test\n# expect: 400 invalid-json\n"
                            "POST /x HTTP/1.1\nContent-Length: {len}\n\n{\"a\":{repeat:3:1}}\n",
                            error);
  ASSERT_TRUE(c) << error;
  const auto r = build_request(*c, {}, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(*r, "POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\n{\"a\":111}");
  EXPECT_EQ(c->expect.statuses, std::vector<int>{400});
  EXPECT_EQ(c->expect.slugs, std::vector<std::string>{"invalid-json"});
}

TEST(HostileCorpus, RawModeKeepsBareBytes) {
  std::string error;
  const auto c = parse_case(
      "t", "# why: t\n# expect: 400 * close\n# mode: raw\nGET / HTTP/1.1\nX: a{cr}b{hex:00}\n\n\n",
      error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->expect.must_close);
  const auto r = build_request(*c, {}, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(*r, std::string("GET / HTTP/1.1\r\nX: a\rb\0\r\n\r\n", 27));
}

TEST(HostileCorpus, UnknownVariableIsAnError) {
  std::string error;
  EXPECT_FALSE(expand("Bearer {no_such_token}", {}, "", error).has_value());
  EXPECT_NE(error.find("no_such_token"), std::string::npos);
  // JSON braces are text, not templates.
  EXPECT_EQ(expand("{\"a\": {\"b\": 1}}", {}, "", error).value_or("?"), "{\"a\": {\"b\": 1}}");
}

TEST(HostileCorpus, SignaturesMatchKnownVectors) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_hex("SHA256", "Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Casso v2's published vector (../shared/reference/webhooks.md).
  const std::string casso_body =
      R"({"data":{"accountNumber":"88888888","amount":599000,"bankAbbreviation":"VPB","bankName":"VPBank","counterAccountBankId":"970415","counterAccountBankName":"VietinBank","counterAccountName":"NGUYEN VAN A","counterAccountNumber":"8888888888","description":"giao dich thu nghiem","id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","virtualAccountName":"","virtualAccountNumber":""},"error":0})";
  EXPECT_EQ(hmac_hex("SHA512", "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
                     "1727948258788." + casso_body),
            "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e2249"
            "00fa7904e7c88dfa098032fb2d6b6996856e8b7ff3");
  Vars v{{"sepay_secret", "k"}, {"t", "1700000000"}};
  std::string error;
  EXPECT_EQ(expand("{sig:sepay:t}", v, "{}", error).value_or(""),
            "sha256=" + hmac_hex("SHA256", "k", "1700000000.{}"));
  EXPECT_EQ(base64_decode(base64_encode("ab")), "ab");
  EXPECT_EQ(base64_decode(base64_encode("abcd")), "abcd");
}

TEST(HostileCorpus, WsFramesAreMaskedAndParse) {
  std::string error;
  const auto c =
      parse_case("t",
                 "# why: t\n# expect: ws 1002\n# mode: ws\nGET /ws HTTP/1.1\n\n"
                 "fin=1 op=1 mask=0 payload=hello\nfin=0 op=2 mask=1 count=2 payload=ab\n",
                 error);
  ASSERT_TRUE(c) << error;
  const auto frames = build_frames(*c, {}, error);
  ASSERT_TRUE(frames) << error;
  ASSERT_EQ(frames->size(), 3u);
  EXPECT_EQ((*frames)[0], std::string("\x81\x05hello"));
  EXPECT_EQ((*frames)[1].size(), 2u + 4u + 2u);
  EXPECT_EQ(static_cast<unsigned char>((*frames)[1][1]), 0x82);
  std::string bytes = (*frames)[0] + std::string("\x88\x02\x03\xe9", 4) + "\x81";
  const auto parsed = parse_ws_frames(bytes);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].payload, "hello");
  EXPECT_EQ(parsed[1].opcode, 8);
  EXPECT_EQ(parsed[1].payload, std::string("\x03\xe9", 2));
  EXPECT_EQ(bytes, "\x81");  // an incomplete frame stays for the next read
}

}  // namespace
}  // namespace cho4::hostile
