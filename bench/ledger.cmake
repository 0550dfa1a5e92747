# ledger/: its own executable with a custom main (60 s runs, a 10M-credit scale mode and a
# --smoke mode for CI). Figures and commands: docs/results-ledger.md.
add_executable(cho4-ledger-bench ${CMAKE_CURRENT_LIST_DIR}/ledger_bench.cpp)
target_link_libraries(cho4-ledger-bench PRIVATE cho4::ledger RocksDB::rocksdb cho4::warnings
                                            cho4::allocator)
