#include "core/status.h"

#include <gtest/gtest.h>

#include "core/ids.h"

namespace cho4 {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return invalid_argument("must be positive");
  return v;
}

Result<int> doubled(int v) {
  CHO4_ASSIGN_OR_RETURN(int p, parse_positive(v));
  return p * 2;
}

Status check_both(int a, int b) {
  CHO4_RETURN_IF_ERROR(parse_positive(a));
  CHO4_RETURN_IF_ERROR(parse_positive(b));
  return Status();
}

TEST(Status, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status().ok());
  Status s = not_found("stall 7");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::not_found);
  EXPECT_EQ(s.to_string(), "not_found: stall 7");
}

TEST(Result, ValueOrErrorAndMacrosPropagate) {
  EXPECT_EQ(*doubled(4), 8);
  auto bad = doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), StatusCode::invalid_argument);
  EXPECT_TRUE(check_both(1, 2).ok());
  EXPECT_EQ(check_both(1, 0).code(), StatusCode::invalid_argument);
}

struct MyError {
  int where;
};

TEST(Result, CustomErrorType) {
  Result<std::string, MyError> r = Err(MyError{12});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, 12);
  Result<std::string, MyError> v = std::string("x");
  EXPECT_EQ(*v, "x");
}

TEST(Result, StatusAsValueIsUnambiguous) {
  Result<Status> r = Status(StatusCode::internal, "as a value");
  EXPECT_TRUE(r.ok());
  Result<Status> e = Err(invalid_argument("as an error"));
  EXPECT_FALSE(e.ok());
}

TEST(Ids, ParseAndValidate) {
  EXPECT_EQ(*parse_id("42"), 42u);
  EXPECT_EQ(*parse_id("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_id("18446744073709551616").ok());
  EXPECT_FALSE(parse_id("0").ok());
  EXPECT_FALSE(parse_id("").ok());
  EXPECT_FALSE(parse_id("-1").ok());
  EXPECT_FALSE(parse_id("../etc").ok());
  EXPECT_TRUE(is_valid_instance_name("sepay-main"));
  EXPECT_FALSE(is_valid_instance_name("SePay"));
  EXPECT_FALSE(is_valid_instance_name(""));
  EXPECT_FALSE(is_valid_instance_name("a/b"));
}

}  // namespace
}  // namespace cho4
