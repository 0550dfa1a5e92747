# The list of fuzz targets, shared by fuzz/CMakeLists.txt (libFuzzer binaries, CHO4_FUZZ=ON) and
# tests/hostile/CMakeLists.txt (replay of seeds and crash regressions in ordinary builds).
# Each target: CHO4_FUZZ_<name>_SOURCES (absolute paths) and CHO4_FUZZ_<name>_LIBS.
#
# cho4_fuzz_target(<name> <library> <source the target needs in that library> [more libs...])
# lists fuzz/<name>.cpp only once the library exists and compiles that source, so the tree stays
# configurable while modules land.
set(CHO4_FUZZ_TARGETS "")
set(_fuzz_dir ${CMAKE_CURRENT_LIST_DIR})

macro(cho4_fuzz_target name lib needed_source)
  if(TARGET ${lib})
    get_target_property(_fuzz_lib_sources ${lib} SOURCES)
    list(FILTER _fuzz_lib_sources INCLUDE REGEX "(^|/)${needed_source}$")
    if(_fuzz_lib_sources)
      list(APPEND CHO4_FUZZ_TARGETS ${name})
      set(CHO4_FUZZ_${name}_SOURCES ${_fuzz_dir}/${name}.cpp)
      set(CHO4_FUZZ_${name}_LIBS ${lib} ${ARGN})
    endif()
  endif()
endmacro()

# cho4_fuzz_variant(<name> <source basename> <define> <library> <needed source> [more libs...]):
# another binary from a shared source, told apart by a compile definition.
macro(cho4_fuzz_variant name source define lib needed_source)
  cho4_fuzz_target(${name} ${lib} ${needed_source} ${ARGN})
  if(DEFINED CHO4_FUZZ_${name}_SOURCES)
    set(CHO4_FUZZ_${name}_SOURCES ${_fuzz_dir}/${source}.cpp)
    set(CHO4_FUZZ_${name}_DEFINES ${define})
  endif()
endmacro()

cho4_fuzz_target(core_text_fuzz cho4_core vn_text.cpp)
cho4_fuzz_target(reference_code_fuzz cho4_ledger reference_code.cpp)
cho4_fuzz_target(statement_csv_fuzz cho4_ledger statement.cpp)
cho4_fuzz_target(canonical_json_fuzz cho4_adapters canonical_json.cpp)
cho4_fuzz_target(vietqr_fuzz cho4_qr vietqr.cpp)
cho4_fuzz_target(stall_file_fuzz cho4_signage stall_file.cpp)
cho4_fuzz_target(http_api_fuzz cho4_switch api.cpp)
foreach(kind sepay payos casso1 casso2 vietqr standard_webhooks)
  cho4_fuzz_variant(adapter_${kind}_fuzz adapter_fuzz CHO4_FUZZ_ADAPTER_KIND="${kind}"
                    cho4_adapters registry.cpp)
endforeach()
