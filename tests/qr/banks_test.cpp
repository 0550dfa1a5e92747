#include "qr/banks.h"

#include <gtest/gtest.h>

#include <set>

namespace cho4::qr {
namespace {

TEST(Banks, ByBinCodeNameOrAlias) {
  for (const char* name : {"970436", "VCB", "vcb", "Vietcombank", "VIETCOMBANK", "Ngoại thương"}) {
    const Bank* b = find_bank(name);
    ASSERT_NE(b, nullptr) << name;
    EXPECT_EQ(b->bin, "970436") << name;
  }
  EXPECT_EQ(find_bank("CTG")->bin, "970415");
  EXPECT_EQ(find_bank("MBB")->bin, "970422");
  EXPECT_EQ(find_bank("OceanBank")->bin, "970414");
  EXPECT_EQ(find_bank("Co-op Bank")->bin, "970446");
  EXPECT_EQ(find_bank("momo")->bin, "971025");
  EXPECT_EQ(find_bank("Nowhere Bank"), nullptr);
  EXPECT_EQ(find_bank(""), nullptr);
}

TEST(Banks, EveryReferenceBankIsThereOnce) {
  std::set<std::string> bins, codes;
  for (const Bank& b : all_banks()) {
    EXPECT_EQ(b.bin.size(), 6u) << b.name;
    EXPECT_TRUE(bins.insert(b.bin).second) << b.bin;
    EXPECT_TRUE(codes.insert(b.code).second) << b.code;
  }
  EXPECT_EQ(all_banks().size(), 52u);
}

}  // namespace
}  // namespace cho4::qr
