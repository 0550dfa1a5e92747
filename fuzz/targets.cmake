# The list of fuzz targets, shared by fuzz/CMakeLists.txt (libFuzzer binaries, CHO4_FUZZ=ON) and
# tests/hostile/CMakeLists.txt (replay of seeds and crash regressions in ordinary builds).
# Each target: CHO4_FUZZ_<name>_SOURCES (paths relative to fuzz/) and CHO4_FUZZ_<name>_LIBS.
# A target is listed only once the library it exercises exists in this configuration.
set(CHO4_FUZZ_TARGETS "")
set(_fuzz_dir ${CMAKE_CURRENT_LIST_DIR})

macro(cho4_fuzz_target name lib)
  if(TARGET ${lib})
    list(APPEND CHO4_FUZZ_TARGETS ${name})
    set(CHO4_FUZZ_${name}_SOURCES ${_fuzz_dir}/${name}.cpp)
    set(CHO4_FUZZ_${name}_LIBS ${lib} ${ARGN})
  endif()
endmacro()

cho4_fuzz_target(core_text_fuzz cho4::core)
