#include "qr/signage/stall_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cho4::signage {
namespace {

namespace fs = std::filesystem;

class StallFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cho4-stallfile-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  static std::vector<RawRow> read_all(StallFile& f) {
    std::vector<RawRow> rows;
    while (true) {
      auto r = f.next();
      EXPECT_TRUE(r.ok());
      if (!r.ok() || !*r) break;
      rows.push_back(std::move(**r));
    }
    return rows;
  }
  fs::path dir_;
};

TEST_F(StallFileTest, CsvRowsCarryTheirLines) {
  const auto path = write("m.csv",
                          "\xEF\xBB\xBFstall_number,stall_name,account_holder,bank,account\r\n"
                          "# a comment, skipped\n"
                          "A1,Phở Bà Tư,NGUYEN THI TU,VCB,0123456789\n"
                          "\n"
                          "A2,\"Bún chả \"\"Hà Nội\"\", ngon\",TRAN VAN B,MB,0987654321\n"
                          "A3,\"Cơm tấm\n(hai dòng)\",LE THI C,ACB,257678859\n"
                          "A4,Trái cây,PHAM D,TCB,19030413601018\n");
  auto f = StallFile::open(path);
  ASSERT_TRUE(f.ok()) << f.error().to_string(path);
  const auto rows = read_all(**f);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].line, 3u);
  EXPECT_EQ(rows[0].fields.at("stall_name"), "Phở Bà Tư");
  EXPECT_EQ(rows[1].line, 5u);
  EXPECT_EQ(rows[1].fields.at("stall_name"), "Bún chả \"Hà Nội\", ngon");
  EXPECT_EQ(rows[2].line, 6u);
  EXPECT_EQ(rows[2].fields.at("stall_name"), "Cơm tấm\n(hai dòng)");
  EXPECT_EQ(rows[3].line, 8u);  // the quoted newline took line 7
  EXPECT_EQ(rows[3].fields.at("account"), "19030413601018");
  for (const auto& r : rows) EXPECT_FALSE(r.error.has_value());
}

TEST_F(StallFileTest, CsvHeaderProblemsAreFatal) {
  auto unknown = StallFile::open(
      write("u.csv", "stall_number,stall_name,account_holder,bank,account,colour\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "colour");
  EXPECT_EQ(unknown.error().line, 1u);
  auto missing = StallFile::open(write("m.csv", "stall_number,stall_name,bank,account\n"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "account_holder");
  auto twice =
      StallFile::open(write("t.csv", "stall_number,stall_name,account_holder,bank,account,bank\n"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "bank");
  EXPECT_FALSE(StallFile::open(write("e.csv", "")).ok());
  EXPECT_FALSE(StallFile::open((dir_ / "absent.csv").string()).ok());
}

TEST_F(StallFileTest, CsvRowWithTheWrongFieldCountIsARowError) {
  auto f = StallFile::open(write("w.csv",
                                 "stall_number,stall_name,account_holder,bank,account\n"
                                 "A1,Phở,NGUYEN,VCB\n"
                                 "A2,Bún,TRAN,MB,0987654321\n"));
  ASSERT_TRUE(f.ok());
  const auto rows = read_all(**f);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_TRUE(rows[0].error.has_value());
  EXPECT_EQ(rows[0].error->line, 2u);
  EXPECT_FALSE(rows[1].error.has_value());
}

TEST_F(StallFileTest, CsvUnclosedQuoteStopsTheFile) {
  auto f = StallFile::open(write("q.csv",
                                 "stall_number,stall_name,account_holder,bank,account\n"
                                 "A1,\"Phở,NGUYEN,VCB,0123\n"));
  ASSERT_TRUE(f.ok());
  auto r = (**f).next();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 2u);
  EXPECT_NE(r.error().message.find("never closed"), std::string::npos);
}

TEST_F(StallFileTest, JsonObjectFormGivesTheMarketAndLines) {
  const auto path = write(
      "m.json",
      "{\n"
      "  \"market\": \"Chợ Bến Thành\",\n"
      "  \"stalls\": [\n"
      "    {\"stall_number\": \"A1\", \"stall_name\": \"Phở {ngon}\",\n"
      "     \"account_holder\": \"NGUYEN THI TU\", \"bank\": \"VCB\", \"account\": "
      "\"0123456789\"},\n"
      "    {\"stall_number\": 2, \"stall_name\": \"Bún\", \"account_holder\": \"TRAN\",\n"
      "     \"bank\": \"MB\", \"account\": \"0987654321\", \"amount\": 35000, \"item\": null}\n"
      "  ]\n"
      "}\n");
  auto f = StallFile::open(path);
  ASSERT_TRUE(f.ok()) << f.error().to_string(path);
  EXPECT_EQ((**f).file_market(), "Chợ Bến Thành");
  const auto rows = read_all(**f);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 4u);
  EXPECT_EQ(rows[0].fields.at("stall_name"), "Phở {ngon}");
  EXPECT_EQ(rows[1].line, 6u);
  EXPECT_EQ(rows[1].fields.at("stall_number"), "2");
  EXPECT_EQ(rows[1].fields.at("amount"), "35000");
  EXPECT_FALSE(rows[1].fields.contains("item"));
}

TEST_F(StallFileTest, JsonArrayFormAndBadValues) {
  auto f = StallFile::open(write("a.json",
                                 "[\n"
                                 "  {\"stall_number\": \"A1\", \"account\": 123456789},\n"
                                 "  {\"stall_number\": \"A2\", \"colour\": \"red\"},\n"
                                 "  \"A3\"\n"
                                 "]\n"));
  ASSERT_TRUE(f.ok());
  const auto rows = read_all(**f);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_TRUE(rows[0].error.has_value());
  EXPECT_EQ(rows[0].error->field, "account");  // numbers lose leading zeros: text only
  EXPECT_EQ(rows[0].error->line, 2u);
  ASSERT_TRUE(rows[1].error.has_value());
  EXPECT_EQ(rows[1].error->field, "colour");
  ASSERT_TRUE(rows[2].error.has_value());
  EXPECT_EQ(rows[2].line, 4u);
}

TEST_F(StallFileTest, JsonLinesFollowEveryElementInOrder) {
  auto f = StallFile::open(
      write("o.json",
            "[\"x\",\n"
            " 42,\n"
            " [1, {\"a\": [2]}],\n"
            " {\"stall_number\": \"A1, [still text]\"}, {\"stall_number\": \"A2\"}\n"
            "]\n"));
  ASSERT_TRUE(f.ok());
  const auto rows = read_all(**f);
  ASSERT_EQ(rows.size(), 5u);
  const std::size_t lines[] = {1, 2, 3, 4, 4};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(rows[i].line, lines[i]) << i;
  EXPECT_FALSE(rows[3].error.has_value());
  EXPECT_EQ(rows[3].fields.at("stall_number"), "A1, [still text]");
}

TEST_F(StallFileTest, JsonSyntaxErrorsAreFatal) {
  EXPECT_FALSE(StallFile::open(write("s.json", "[{\"stall_number\": }]")).ok());
  EXPECT_FALSE(StallFile::open(write("k.json", "{\"stalls\": [], \"colour\": 1}")).ok());
  EXPECT_FALSE(StallFile::open(write("n.json", "42")).ok());
}

}  // namespace
}  // namespace cho4::signage
