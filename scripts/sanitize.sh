#!/usr/bin/env bash
# sanitize.sh [--ci]: the sanitizer builds and their tests (docs/testing.md).
#
#   (default, before a release)
#     build-asan/  the whole tree under ASan + UBSan, assertions on: the whole
#                  test suite (units, lit, conformance, real models);
#     build-tsan/  the runtime side (no MLIR) under TSan: runtime, simulator,
#                  blob, kernel and support tests, the CLI tests.
#   --ci
#     build-asan-rt/  the runtime side (no MLIR) under ASan + UBSan,
#                  assertions on: runtime, simulator, blob, kernel and support
#                  tests, the CLI tests. What scripts/test.sh runs.
#
# Every executable carries the project's default sanitizer options
# (cmake/sanitizers/defaults.cpp: a report aborts, so its test fails); the
# environment can still override them (ASAN_OPTIONS, UBSAN_OPTIONS, ...).
# Environment: NPU_SANITIZE_ROOT (default: the source tree) holds the build
# directories; NPU_JOBS (default: nproc) the parallel jobs for build and ctest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${NPU_SANITIZE_ROOT:-$ROOT}
JOBS=${NPU_JOBS:-$(nproc)}
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
CI=0
case "${1:-}" in
  --ci) CI=1 ;;
  "") ;;
  *) echo "usage: $0 [--ci]" >&2; exit 2 ;;
esac

# Installs what is missing (scripts/test.sh has done it already).
if [ "${NPU_SETUP_DONE:-0}" != 1 ]; then
  "$ROOT/scripts/setup.sh" "$ROOT/build" >/dev/null
fi

LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# run NAME SANITIZERS COMPILER(ON|OFF) [ctest args...]: configure once, build,
# run ctest; prints the build and test times.
run() {
  local dir=$OUT/$1 san=$2 compiler=$3
  shift 3
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$dir" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DLLVM_USE_LINKER=lld \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
      -DPython3_EXECUTABLE=/usr/bin/python3 \
      -DNPU_DEPS_DIR="$DEPS" \
      -DNPU_BUILD_COMPILER="$compiler" -DNPU_BUILD_BENCHMARKS=OFF \
      -DNPU_SANITIZE="$san" -DNPU_ENABLE_ASSERTIONS=ON \
      "${LAUNCHER[@]}" >/dev/null
  fi
  local start
  start=$(date +%s)
  cmake --build "$dir" -j "$JOBS"
  echo "sanitize: $1 ($san) build took $(( $(date +%s) - start )) s"
  start=$(date +%s)
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@"
  echo "sanitize: $1 ($san) tests took $(( $(date +%s) - start )) s"
}

if [ $CI = 1 ]; then
  run build-asan-rt address,undefined OFF
  exit 0
fi
run build-asan address,undefined ON
run build-tsan thread OFF
