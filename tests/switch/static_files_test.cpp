#include "switch/handlers/static_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace cho4::server {
namespace {

namespace fs = std::filesystem;

// A throw-away web/ folder next to a secret that must stay unreachable.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A fresh folder per test: ctest runs these tests as parallel processes, and a shared name
    // let one test's TearDown delete the files another was serving.
    std::string tmpl = (fs::temp_directory_path() / "cho4-static-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    root_ = base_ / "web";
    fs::create_directories(root_ / "assets" / "vendor");
    write(root_ / "index.html", "<!doctype html><title>dashboard</title>");
    write(root_ / "stall.html", "<!doctype html><title>stall</title>");
    write(root_ / "assets" / "stall.js", "export {};");
    write(root_ / "assets" / "cho4.css", "body{}");
    write(root_ / "assets" / "vendor" / "lib.js", "export default 1;");
    write(root_ / "assets" / ".hidden", "no");
    write(base_ / "secret.txt", "root:x:0:0");
    fs::create_symlink(base_ / "secret.txt", root_ / "assets" / "link.js");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  static Request get(std::string path, std::string method = "GET") {
    Request r;
    r.method = std::move(method);
    r.path = path;
    r.target = std::move(path);
    return r;
  }

  fs::path base_, root_;
};

TEST(StaticFilesPaths, MapsPagesAndAssets) {
  EXPECT_EQ(StaticFiles::relative_file("/"), "index.html");
  EXPECT_EQ(StaticFiles::relative_file("/index.html"), "index.html");
  EXPECT_EQ(StaticFiles::relative_file("/stall/42"), "stall.html");
  EXPECT_EQ(StaticFiles::relative_file("/stall/42/"), "stall.html");
  EXPECT_EQ(StaticFiles::relative_file("/assets/stall.js"), "assets/stall.js");
  EXPECT_EQ(StaticFiles::relative_file("/assets/vendor/lib.js"), "assets/vendor/lib.js");
}

TEST(StaticFilesPaths, RefusesEverythingElse) {
  for (const char* p : {"/stall", "/stall/", "/stall/1/2", "/stall/..", "/stall/.x", "/assets",
                        "/assets/", "/assets/vendor/", "/assets//x.js", "/assets/../index.html",
                        "/assets/./x.js", "/assets/.hidden", "/assets/a\\b.js", "/assets/c:x.js",
                        "/v1/stalls/1", "/web/index.html", "/stall.html", "/favicon.ico"}) {
    EXPECT_FALSE(StaticFiles::relative_file(p).has_value()) << p;
  }
  EXPECT_FALSE(StaticFiles::relative_file(std::string("/assets/a\0.js", 13)).has_value());
}

TEST(StaticFilesPaths, ContentTypes) {
  EXPECT_EQ(StaticFiles::content_type("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type("a.png"), "image/png");
  EXPECT_EQ(StaticFiles::content_type("a.svg"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::content_type("a.bin"), "application/octet-stream");
}

TEST_F(StaticFilesTest, ServesFilesWithTypeAndHeaders) {
  StaticFiles files(root_.string());
  auto r = files.handle(get("/stall/7"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<!doctype html><title>stall</title>");
  EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(r->header("Content-Security-Policy").has_value());
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->header("Cache-Control"), "no-cache");

  auto js = files.handle(get("/assets/vendor/lib.js"));
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->body, "export default 1;");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(js->header("Content-Security-Policy").has_value());

  auto index = files.handle(get("/"));
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->body, "<!doctype html><title>dashboard</title>");
}

TEST_F(StaticFilesTest, HeadHasNoBodyAndOtherMethodsAre405) {
  StaticFiles files(root_.string());
  auto head = files.handle(get("/assets/cho4.css", "HEAD"));
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  auto post = files.handle(get("/", "POST"));
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->header("Allow"), "GET, HEAD");
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  StaticFiles files(root_.string());
  EXPECT_FALSE(files.handle(get("/assets/link.js")).has_value()) << "symlink out of web/";
  EXPECT_FALSE(files.handle(get("/assets/../../secret.txt")).has_value());
  EXPECT_FALSE(files.handle(get("/assets/.hidden")).has_value());
  EXPECT_FALSE(files.handle(get("/assets/vendor")).has_value()) << "a directory";
  EXPECT_FALSE(files.handle(get("/assets/missing.js")).has_value());
}

TEST_F(StaticFilesTest, MissingRootAnswersNothing) {
  StaticFiles files((base_ / "nowhere").string());
  EXPECT_FALSE(files.handle(get("/")).has_value());
}

TEST(StaticFilesDefault, BuildNamesTheSourceTreesWebFolder) {
  // The build bakes <source>/web in; the tests run with CHO4_SOURCE_DIR set to that source tree.
  const char* src = std::getenv("CHO4_SOURCE_DIR");
  if (src == nullptr) GTEST_SKIP() << "CHO4_SOURCE_DIR not set";
  EXPECT_EQ(fs::weakly_canonical(default_web_dir()), fs::weakly_canonical(fs::path(src) / "web"));
  EXPECT_TRUE(fs::exists(fs::path(default_web_dir()) / "stall.html"));
}

}  // namespace
}  // namespace cho4::server
