//===- defaults.cpp - The project's default sanitizer options -------------===//
//
// Linked into every executable of a sanitizer build (NPU_SANITIZE, see
// cmake/NPUHelpers.cmake and docs/testing.md). The sanitizer runtimes call
// these hooks at start-up; ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS and
// TSAN_OPTIONS in the environment still override them option by option.
//
// Every report aborts the process (abort_on_error), so that a test fails
// even where it expects a non-zero exit code (lit's `not` counts a signal as
// a failure, an exit code as the expected error).
//
//===----------------------------------------------------------------------===//

#define NPU_SANITIZER_HOOK                                                     \
  extern "C" __attribute__((visibility("default"), used))

// allow_user_poisoning=0: Debian's LLVM is not instrumented; its
// BumpPtrAllocator, inlined into instrumented code, poisons slabs that
// uninstrumented code hands out, a false use-after-poison in
// mlir::Dialect::addType.
NPU_SANITIZER_HOOK const char *__asan_default_options() {
  return "allow_user_poisoning=0:abort_on_error=1:detect_leaks=1:"
         "print_suppressions=0";
}

NPU_SANITIZER_HOOK const char *__lsan_default_options() {
  return "suppressions=" NPU_LSAN_SUPPRESSIONS ":print_suppressions=0";
}

NPU_SANITIZER_HOOK const char *__ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:abort_on_error=1";
}

NPU_SANITIZER_HOOK const char *__tsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:second_deadlock_stack=1";
}
