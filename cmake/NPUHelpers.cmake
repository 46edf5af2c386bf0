# Helper functions shared by the project's CMake files.

# npu_add_runtime_library(name SOURCES...): a plain C++ library with no MLIR or
# LLVM dependency (runtime, simulator, blob format, support code they share).
function(npu_add_runtime_library name)
  add_library(${name} STATIC ${ARGN})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# npu_add_unittest(name SOURCES... LIBS libs...): a GoogleTest binary run by ctest.
function(npu_add_unittest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${NPU_BINARY_DIR}/unittests)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
