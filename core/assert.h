// CHO4_ASSERT: an always-on check of a programmer's invariant (debits equal credits, a sequence
// without gaps). A failed assertion is a bug: it prints where and aborts, in every build type.
// Operating errors (bad input, a bad signature, an unknown account) are returned as Status instead.
#pragma once

namespace cho4::assert_internal {
[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const char* why);
}

#define CHO4_ASSERT(cond, why)                                                     \
  do {                                                                             \
    if (!(cond)) [[unlikely]]                                                      \
      ::cho4::assert_internal::assertion_failed(#cond, __FILE__, __LINE__, (why)); \
  } while (0)
