# Signage benchmarks (once qr/ builds cho4_signage): per-card micro benchmarks in cho4-bench, and
# the 1,000-stall acceptance run as its own binary (bench/signage_batch.sh runs it under
# /usr/bin/time -v).
if(TARGET cho4_signage)
  list(APPEND CHO4_BENCH_SOURCES ${CMAKE_CURRENT_LIST_DIR}/signage_bench.cpp)
  list(APPEND CHO4_BENCH_LIBS cho4::signage cho4::qr)
  add_executable(cho4-signage-batch-bench ${CMAKE_CURRENT_LIST_DIR}/signage_batch_bench.cpp)
  target_include_directories(cho4-signage-batch-bench PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(cho4-signage-batch-bench PRIVATE cho4::signage cho4::warnings
                                                         cho4::sanitizers)
endif()
