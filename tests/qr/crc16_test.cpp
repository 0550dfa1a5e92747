#include "qr/crc16.h"

#include <gtest/gtest.h>

namespace cho4::qr {
namespace {

TEST(Crc16, CheckValue) {
  EXPECT_EQ(crc16_ccitt_false("123456789"), 0x29B1);
}

TEST(Crc16, EmptyIsInit) {
  EXPECT_EQ(crc16_ccitt_false(""), 0xFFFF);
}

TEST(Crc16, FormatsUpperCaseZeroPadded) {
  char out[4];
  format_crc(0x0283, out);
  EXPECT_EQ(std::string(out, 4), "0283");
  format_crc(0xae9f, out);
  EXPECT_EQ(std::string(out, 4), "AE9F");
}

}  // namespace
}  // namespace cho4::qr
