// HMAC (RFC 4231 vectors), encodings and constant-time comparison.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "adapters/hmac.h"

namespace cho4::adapters {
namespace {

TEST(Hmac, Rfc4231TestCase2) {
  EXPECT_EQ(hex_lower(hmac(HashAlg::sha256, "Jefe", "what do ya want for nothing?").view()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_lower(hmac(HashAlg::sha512, "Jefe", "what do ya want for nothing?").view()),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d0"
            "34f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(Hmac, Rfc4231TestCase6LongKey) {
  std::string key(131, '\xaa');
  EXPECT_EQ(
      hex_lower(hmac(HashAlg::sha256, key, "Test Using Larger Than Block-Size Key - Hash Key First")
                    .view()),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hmac, KeyReuseAndPartsMatchOneShot) {
  HmacKey key(HashAlg::sha256, "secret");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(key.compute({"1700000000", ".", "{\"a\":1}"}).view(),
              hmac(HashAlg::sha256, "secret", "1700000000.{\"a\":1}").view());
  }
  HmacKey empty(HashAlg::sha512, "");
  EXPECT_EQ(empty.compute("x").size, 64u);
  EXPECT_EQ(empty.compute("x").view(), hmac(HashAlg::sha512, "", "x").view());
}

TEST(Hmac, ConcurrentThreadsAgree) {
  HmacKey key(HashAlg::sha512, "shared key");
  const std::string want(key.compute("message").view());
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) ok[t] += key.compute("message").view() == want;
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 500);
}

TEST(Encoding, Base64Rfc4648) {
  const std::pair<const char*, const char*> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : cases) {
    EXPECT_EQ(base64_encode(plain), enc);
    EXPECT_EQ(base64_decode(enc).value(), plain);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
  EXPECT_FALSE(base64_decode("Zm9").has_value());
  EXPECT_FALSE(base64_decode("Zm9v!A==").has_value());
  EXPECT_FALSE(base64_decode("Zh==").has_value());  // stray low bits
  EXPECT_FALSE(base64url_decode("Zm+v").has_value());
}

TEST(Encoding, HexAndConstantTimeEqual) {
  EXPECT_EQ(hex_lower("\x01\xab\xff"), "01abff");
  EXPECT_EQ(hex_decode("01ABff").value(), "\x01\xab\xff");
  EXPECT_FALSE(hex_decode("0").has_value());
  EXPECT_FALSE(hex_decode("0g").has_value());
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace cho4::adapters
