# Every third-party dependency, found once, from Debian 12's packages.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json url)
find_package(PNG REQUIRED)
find_package(JPEG REQUIRED)
find_package(RocksDB CONFIG QUIET)
if(NOT TARGET RocksDB::rocksdb)
  find_library(ROCKSDB_LIBRARY rocksdb REQUIRED)
  add_library(RocksDB::rocksdb UNKNOWN IMPORTED)
  set_target_properties(RocksDB::rocksdb PROPERTIES IMPORTED_LOCATION "${ROCKSDB_LIBRARY}")
endif()
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
find_package(ZXing CONFIG QUIET)
if(NOT TARGET ZXing::ZXing)
  pkg_check_modules(ZXING REQUIRED IMPORTED_TARGET zxing)
  add_library(ZXing::ZXing ALIAS PkgConfig::ZXING)
endif()
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)

# The process allocator every cho4 executable links. glibc's malloc serialises on an arena lock
# when one thread frees what another allocated: the ledger's writer frees every command the I/O
# threads built, and the two contended on every credit (futex wakes on both sides; the ledger
# engine ran at 69k credits/s under glibc and 90k under jemalloc, docs/results-ledger.md).
# RocksDB's own guidance is to run it on jemalloc. Linked with --no-as-needed: nothing calls
# jemalloc by name, it takes over malloc and free by symbol interposition.
# Sanitizers and libFuzzer bring their own malloc, so those builds keep it.
add_library(cho4_allocator INTERFACE)
add_library(cho4::allocator ALIAS cho4_allocator)
if(CHO4_JEMALLOC AND NOT (CHO4_SANITIZE OR CHO4_TSAN OR CHO4_FUZZ))
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(cho4_allocator INTERFACE -Wl,--push-state,--no-as-needed
                                                 PkgConfig::JEMALLOC -Wl,--pop-state)
endif()
if(CHO4_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(CHO4_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
