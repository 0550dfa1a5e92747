// Runs the README's curl examples (or docs/server.md's, until the README carries them) against a
// fresh `cho4 serve --demo`, with the tokens read from the demo.json it writes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server_process.h"

namespace cho4::itest {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker = "<!-- cho4:curl-examples";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first ```sh block after the marker, or "".
std::string examples(const std::string& doc) {
  auto m = doc.find(kMarker);
  if (m == std::string::npos) return {};
  auto start = doc.find("```sh\n", m);
  if (start == std::string::npos) return {};
  start += 6;
  auto end = doc.find("\n```", start);
  return end == std::string::npos ? std::string() : doc.substr(start, end - start + 1);
}

TEST(DemoCurl, TheDocumentedExamplesRunAgainstTheDemo) {
  const char* src = std::getenv("CHO4_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  std::string block = examples(read(fs::path(src) / "README.md"));
  std::string from = "README.md";
  if (block.empty()) {
    block = examples(read(fs::path(src) / "docs/server.md"));
    from = "docs/server.md";
  }
  ASSERT_FALSE(block.empty()) << "no curl example block in README.md or docs/server.md";

  ServerProcess server(boost::json::object{}, {"--demo"});
  ASSERT_TRUE(server.started());
  auto dir = server.data_dir().parent_path();
  auto script = dir / "examples.sh";
  std::ofstream(script) << "set -euo pipefail\n" << block;
  std::string cmd = "cd '" + dir.string() +
                    "' && CHO4=http://127.0.0.1:" + std::to_string(server.port()) + " DATA='" +
                    server.data_dir().string() + "' bash '" + script.string() + "' > '" +
                    (dir / "out.txt").string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::string out = read(dir / "out.txt");
  EXPECT_EQ(rc, 0) << "the curl examples of " << from << " failed:\n" << out;
  // The order was paid, and the device stream carried the credit.
  EXPECT_NE(out.find("\"status\": \"paid\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"outcome\":\"paid\""), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "order.png"));
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace cho4::itest
