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

# Sanitizer and assertion builds (see docs/testing.md).
#
# NPU_SANITIZE=address,undefined | address | undefined | thread instruments
# the whole project (clang or gcc). Every executable gets the project's
# default sanitizer options compiled in (cmake/sanitizers/defaults.cpp), so
# that ctest, lit and the Python harnesses run with the same settings without
# exporting anything: a report aborts the process and fails its test.
# NPU_ENABLE_ASSERTIONS=ON compiles the project's code with -UNDEBUG in any
# build type (LLVM's headers included: MLIR's asserts in inline code fire).
# This is ABI-safe against Debian's LLVM, whose
# llvm/Config/abi-breaking.h fixes LLVM_ENABLE_ABI_BREAKING_CHECKS to 0
# whatever NDEBUG says.
function(npu_setup_sanitizers)
  if(NPU_ENABLE_ASSERTIONS)
    add_compile_options(-UNDEBUG)
    message(STATUS "npu-compile: assertions enabled (-UNDEBUG)")
  endif()
  if(NOT NPU_SANITIZE)
    return()
  endif()
  string(REPLACE "," ";" sanitizers "${NPU_SANITIZE}")
  set(flags)
  set(forced)
  foreach(s IN LISTS sanitizers)
    if(s STREQUAL "address")
      list(APPEND forced __asan_default_options __lsan_default_options)
    elseif(s STREQUAL "undefined")
      # A UB report aborts instead of printing and carrying on.
      list(APPEND flags -fno-sanitize-recover=undefined)
      list(APPEND forced __ubsan_default_options)
    elseif(s STREQUAL "thread")
      list(APPEND forced __tsan_default_options)
    else()
      message(FATAL_ERROR "NPU_SANITIZE: unknown sanitizer '${s}' "
        "(address, undefined, thread)")
    endif()
  endforeach()
  if(CMAKE_VERSION VERSION_LESS 3.24)
    message(FATAL_ERROR "NPU_SANITIZE needs CMake 3.24 or newer "
      "($<LINK_LIBRARY:WHOLE_ARCHIVE>)")
  endif()
  if("thread" IN_LIST sanitizers AND "address" IN_LIST sanitizers)
    message(FATAL_ERROR "NPU_SANITIZE: thread and address cannot be combined")
  endif()
  add_compile_options(-fsanitize=${NPU_SANITIZE} ${flags}
    -fno-omit-frame-pointer -gline-tables-only)
  add_link_options(-fsanitize=${NPU_SANITIZE})
  # The default options live in a small static library that
  # npu_link_sanitizer_defaults() links whole into every executable and
  # shared library: the sanitizer runtimes define these hooks weakly and
  # come first on clang's link line, so a plain archive member would never
  # be pulled (the runtime's weak definition already resolves the symbol)
  # and the executables would run with the runtime's defaults; --undefined
  # keeps the linker from dropping them.
  add_library(NPUSanitizerDefaults STATIC
    ${PROJECT_SOURCE_DIR}/cmake/sanitizers/defaults.cpp)
  target_compile_definitions(NPUSanitizerDefaults PRIVATE
    NPU_LSAN_SUPPRESSIONS="${PROJECT_SOURCE_DIR}/cmake/sanitizers/lsan.supp")
  set_target_properties(NPUSanitizerDefaults PROPERTIES
    POSITION_INDEPENDENT_CODE ON)
  foreach(sym IN LISTS forced)
    add_link_options(LINKER:--undefined=${sym})
  endforeach()
  # A sanitized shared library (the simulator driver) leaves the sanitizer
  # runtime's symbols to the executable: -z defs / --no-undefined cannot hold
  # (HandleLLVMOptions adds -z defs to every shared library).
  string(REPLACE "-Wl,-z,defs" "" CMAKE_SHARED_LINKER_FLAGS
    "${CMAKE_SHARED_LINKER_FLAGS}")
  set(CMAKE_SHARED_LINKER_FLAGS "${CMAKE_SHARED_LINKER_FLAGS}" PARENT_SCOPE)
  set(NPU_SHARED_NO_UNDEFINED "" PARENT_SCOPE)
  message(STATUS "npu-compile: sanitizers ${NPU_SANITIZE}")
endfunction()

# Links the sanitizer defaults (npu_setup_sanitizers) whole into every
# executable and shared library defined under `dir`, privately (a static
# library carrying them would pass them on twice). Called once, after every
# target exists.
function(npu_link_sanitizer_defaults dir)
  if(NOT NPU_SANITIZE)
    return()
  endif()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE" OR type STREQUAL "SHARED_LIBRARY" OR
       type STREQUAL "MODULE_LIBRARY")
      target_link_libraries(${t} PRIVATE
        "$<LINK_LIBRARY:WHOLE_ARCHIVE,NPUSanitizerDefaults>")
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(d IN LISTS subdirs)
    npu_link_sanitizer_defaults(${d})
  endforeach()
endfunction()
