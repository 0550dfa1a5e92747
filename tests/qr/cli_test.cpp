// The `cho4 qr` command line, run as a user would run it.
#include <gtest/gtest.h>

#include "qr/vietqr.h"
#include "tests/qr/test_support.h"

namespace cho4::qr {
namespace {

using testing::run;

TEST(Cli, EncodePrintsThePayloadAndWritesImages) {
  testing::TempDir dir;
  const auto r = run(testing::cho4_binary() +
                     " qr encode --bank VCB --account 0123456789 --amount 60000 "
                     "--purpose 'Mua rau cải' --png " +
                     dir.file("a.png") + " --svg " + dir.file("a.svg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string payload = r.output.substr(0, r.output.find('\n'));
  auto d = decode(payload);
  ASSERT_TRUE(d.ok()) << payload;
  EXPECT_EQ(d->vietqr->purpose, "Mua rau cai");
  EXPECT_EQ(d->vietqr->amount, Money::vnd(60000));
  const auto scanned = run(testing::cho4_binary() + " qr scan " + dir.file("a.png"));
  EXPECT_EQ(scanned.exit_code, 0);
  EXPECT_EQ(scanned.output, payload + "\n");
}

TEST(Cli, DecodeBadCrcExitsOneAndNamesIt) {
  const auto r = run(testing::cho4_binary() +
                     " qr decode 00020101021138530010A0000007270123000697041601092576788590208"
                     "QRIBFTTA53037045802VN6304AE9E");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("bad CRC: expected AE9F, found AE9E"), std::string::npos) << r.output;
}

TEST(Cli, DecodeLengthErrorExitsOneAndNamesIt) {
  const auto r = run(testing::cho4_binary() +
                     " qr decode 00020101021138570010A00000072701270006970403011200110123456780208"
                     "QRIBFTTA53037045802VN6304F4E5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("length"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("38.01"), std::string::npos) << r.output;
}

TEST(Cli, DecodeJsonAndLint) {
  const auto d =
      run(testing::cho4_binary() +
          " qr decode --json 00020101021138530010A0000007270123000697041601092576788590208"
          "QRIBFTTA53037045802VN6304AE9F");
  EXPECT_EQ(d.exit_code, 0);
  EXPECT_NE(d.output.find("\"account\":\"257678859\""), std::string::npos) << d.output;
  const auto lint =
      run(testing::cho4_binary() +
          " qr lint --json 00020101021138530010A0000007270123000697041601092576788590208"
          "QRIBFTTA530370454051000058"
          "02VN6304AE9F");
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_NE(lint.output.find("bad_crc"), std::string::npos) << lint.output;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run(testing::cho4_binary() + " qr").exit_code, 2);
  EXPECT_EQ(run(testing::cho4_binary() + " qr encode --account 1").exit_code, 2);
  EXPECT_EQ(run(testing::cho4_binary() + " qr decode --frobnicate x").exit_code, 2);
  EXPECT_EQ(run(testing::cho4_binary() + " qr encode --bank NOWHERE --account 1").exit_code, 1);
  EXPECT_EQ(run(testing::cho4_binary() + " qr --help").exit_code, 0);
  EXPECT_EQ(run(testing::cho4_binary() + " qr scan /nonexistent.png").exit_code, 3);
}

TEST(Cli, Demo) {
  testing::TempDir dir;
  const auto r = run(testing::cho4_binary() + " demo --out " + dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stall-A12.png"), std::string::npos);
  const auto scanned = run(testing::cho4_binary() + " qr scan " + dir.file("stall-A12.png"));
  EXPECT_EQ(scanned.exit_code, 0) << scanned.output;
}

}  // namespace
}  // namespace cho4::qr
