# adapters/: authenticate + parse per adapter on a typical body (docs/results-adapters.md).
list(APPEND CHO4_BENCH_SOURCES ${CMAKE_CURRENT_LIST_DIR}/adapters_bench.cpp)
list(APPEND CHO4_BENCH_LIBS cho4::adapters OpenSSL::Crypto)
