# qr benchmarks in cho4-bench: VietQR encode/decode/CRC, PNG/SVG render, ZXing scan, and
# libqrencode's own QRcode_encodeString on the same order payload as the reference point.
if(TARGET cho4_qr)
  list(APPEND CHO4_BENCH_SOURCES ${CMAKE_CURRENT_LIST_DIR}/qr_bench.cpp)
  list(APPEND CHO4_BENCH_LIBS cho4::qr PkgConfig::QRENCODE)
endif()
