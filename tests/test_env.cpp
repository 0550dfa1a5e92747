// Linked into every test binary: CHO4_SOURCE_DIR and CHO4_BINARY_DIR name the trees the binary was
// built from, unless the environment already says otherwise (a test run by hand elsewhere).
#include <cstdlib>

namespace {

[[maybe_unused]] const bool kTestEnvironmentSet = [] {
  ::setenv("CHO4_SOURCE_DIR", CHO4_TEST_SOURCE_DIR, /*overwrite=*/0);
  ::setenv("CHO4_BINARY_DIR", CHO4_TEST_BINARY_DIR, /*overwrite=*/0);
  return true;
}();

}  // namespace
