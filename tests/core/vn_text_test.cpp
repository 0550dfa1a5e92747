#include "core/vn_text.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace cho4 {
namespace {

// Every Vietnamese letter: each vowel with each of the six tones, then đ, in both cases.
TEST(Folding, EveryVietnameseLetter) {
  const std::vector<std::pair<std::string, char>> rows = {
      {"aàảãáạ", 'a'}, {"ăằẳẵắặ", 'a'}, {"âầẩẫấậ", 'a'}, {"eèẻẽéẹ", 'e'}, {"êềểễếệ", 'e'},
      {"iìỉĩíị", 'i'}, {"oòỏõóọ", 'o'}, {"ôồổỗốộ", 'o'}, {"ơờởỡớợ", 'o'}, {"uùủũúụ", 'u'},
      {"ưừửữứự", 'u'}, {"yỳỷỹýỵ", 'y'}, {"AÀẢÃÁẠ", 'A'}, {"ĂẰẲẴẮẶ", 'A'}, {"ÂẦẨẪẤẬ", 'A'},
      {"EÈẺẼÉẸ", 'E'}, {"ÊỀỂỄẾỆ", 'E'}, {"IÌỈĨÍỊ", 'I'}, {"OÒỎÕÓỌ", 'O'}, {"ÔỒỔỖỐỘ", 'O'},
      {"ƠỜỞỠỚỢ", 'O'}, {"UÙỦŨÚỤ", 'U'}, {"ƯỪỬỮỨỰ", 'U'}, {"YỲỶỸÝỴ", 'Y'},
  };
  int letters = 0;
  for (const auto& [row, base] : rows) {
    ASSERT_EQ(utf8_length(row), 6u) << row;
    EXPECT_EQ(fold_to_ascii(row), std::string(6, base)) << row;
    letters += 6;
  }
  EXPECT_EQ(fold_to_ascii("đĐ"), "dD");
  EXPECT_EQ(letters + 2, 146);
}

TEST(Folding, DecomposedInputAndSentences) {
  // "Việt" written with combining marks (NFD): e + U+0302 + U+0323.
  EXPECT_EQ(fold_to_ascii("Vie\u0302\u0323t"), "Viet");
  EXPECT_EQ(fold_to_ascii("Chuyển tiền Đà Nẵng"), "Chuyen tien Da Nang");
  EXPECT_EQ(fold_to_qr_text("Thanh toán đơn #12, cảm ơn!"), "Thanh toan don 12 cam on");
  EXPECT_EQ(fold_for_matching("mua  hàng\n#ab12 (by Vietcombank)"), "MUA HANG AB12 BY VIETCOMBANK");
  EXPECT_EQ(fold_to_ascii("a\xff"
                          "b\xc3"),
            "ab");  // malformed bytes dropped
  EXPECT_EQ(fold_to_ascii("→ 😀 x"), "  x");
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("Thành công"));
  EXPECT_EQ(utf8_length("Thành công"), 10u);
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe1\xba"));          // truncated
  std::string s;
  append_utf8(s, 0x20AB);
  append_utf8(s, 0x1F600);
  EXPECT_EQ(s, "₫😀");
}

TEST(Amounts, Formatting) {
  EXPECT_EQ(format_amount(Money::vnd(50'000)), "50.000\u00A0₫");
  EXPECT_EQ(format_amount(Money::vnd(50'000), CurrencyMark::d), "50.000 đ");
  EXPECT_EQ(format_amount(Money::vnd(1'234'567), CurrencyMark::vnd), "1.234.567 VND");
  EXPECT_EQ(format_amount(Money::vnd(999), CurrencyMark::none), "999");
  EXPECT_EQ(format_amount(Money::vnd(-200'000), CurrencyMark::none), "-200.000");
  EXPECT_EQ(format_amount(Money::vnd(0), CurrencyMark::none), "0");
}

TEST(Amounts, InWordsNorthern) {
  const std::vector<std::pair<std::int64_t, std::string>> cases = {
      {15, "mười lăm đồng"},
      {21, "hai mươi mốt đồng"},
      {105, "một trăm linh năm đồng"},
      {1'001, "một nghìn không trăm linh một đồng"},
      {50'000, "năm mươi nghìn đồng"},
      {1'000'000, "một triệu đồng"},
      {2'015'000, "hai triệu không trăm mười lăm nghìn đồng"},
      {499'999'999,
       "bốn trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín "
       "đồng"},
      {10, "mười đồng"},
      {11, "mười một đồng"},
      {25, "hai mươi lăm đồng"},
      {200, "hai trăm đồng"},
      {60'000, "sáu mươi nghìn đồng"},
      {200'000, "hai trăm nghìn đồng"},
      {1'000'001, "một triệu không trăm linh một đồng"},
      {1'005'000'000'000, "một nghìn không trăm linh năm tỷ đồng"},
      {0, "không đồng"},
  };
  for (const auto& [n, words] : cases) EXPECT_EQ(amount_in_words(Money::vnd(n)), words) << n;
}

TEST(Amounts, InWordsSouthern) {
  EXPECT_EQ(amount_in_words(Money::vnd(105), Dialect::southern), "một trăm lẻ năm đồng");
  EXPECT_EQ(amount_in_words(Money::vnd(50'000), Dialect::southern), "năm mươi ngàn đồng");
  EXPECT_EQ(amount_in_words(Money::vnd(1'001), Dialect::southern),
            "một ngàn không trăm lẻ một đồng");
  EXPECT_EQ(number_in_words(-21), "âm hai mươi mốt");
}

}  // namespace
}  // namespace cho4
