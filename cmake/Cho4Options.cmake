# Interface targets every cho4 target links: warnings and (optionally) sanitizers.

add_library(cho4_warnings INTERFACE)
add_library(cho4::warnings ALIAS cho4_warnings)
target_compile_options(cho4_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
                                               -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(CHO4_WERROR)
  target_compile_options(cho4_warnings INTERFACE -Werror)
endif()

add_library(cho4_sanitizers INTERFACE)
add_library(cho4::sanitizers ALIAS cho4_sanitizers)
if(CHO4_SANITIZE)
  target_compile_options(cho4_sanitizers INTERFACE -fsanitize=address,undefined
                                                   -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(cho4_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
if(CHO4_TSAN)
  target_compile_options(cho4_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(cho4_sanitizers INTERFACE -fsanitize=thread)
endif()

# cho4_add_library(name SOURCES...): a module library with the project's warnings and sanitizers;
# includes are from the repository root ("qr/vietqr.h").
function(cho4_add_library name)
  add_library(cho4_${name} ${ARGN})
  add_library(cho4::${name} ALIAS cho4_${name})
  target_include_directories(cho4_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(cho4_${name} PRIVATE cho4::warnings PUBLIC cho4::sanitizers)
endfunction()

# cho4_add_test(name SOURCES... LIBS ... [LABEL unit|integration|e2e]): one GoogleTest binary,
# its tests discovered by ctest and labelled (the sanitizer job runs `ctest -L unit`).
set(CHO4_UNIT_TESTS "" CACHE INTERNAL "unit test targets, built by the sanitizer job")
function(cho4_add_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(T_LABEL STREQUAL "unit")
    set(CHO4_UNIT_TESTS ${CHO4_UNIT_TESTS} ${name} CACHE INTERNAL "")
  endif()
  add_executable(${name} ${T_SOURCES} ${PROJECT_SOURCE_DIR}/tests/test_env.cpp)
  # Tests find the source and build trees through CHO4_SOURCE_DIR / CHO4_BINARY_DIR; tests/test_env.cpp
  # sets them (unless the caller did) from these definitions. (ctest's ENVIRONMENT property cannot
  # carry two variables through gtest_discover_tests: its list is split into separate arguments.)
  target_compile_definitions(${name} PRIVATE CHO4_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             CHO4_TEST_BINARY_DIR="${PROJECT_BINARY_DIR}")
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main
                                        cho4::warnings cho4::sanitizers cho4::allocator)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${T_LABEL})
endfunction()

# `cmake --build . --target unit_tests` builds only the unit test binaries (the sanitizer job).
function(cho4_add_unit_tests_target)
  add_custom_target(unit_tests)
  if(CHO4_UNIT_TESTS)
    add_dependencies(unit_tests ${CHO4_UNIT_TESTS})
  endif()
endfunction()
