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
CI=0
case "${1:-}" in
  --ci) CI=1 ;;
  "") ;;
  *) echo "usage: $0 [--ci]" >&2; exit 2 ;;
esac

# run NAME SANITIZERS COMPILER(ON|OFF) [ctest args...]: install what is
# missing and configure once (scripts/setup.sh), build, run ctest; prints the
# build and test times.
run() {
  local name=$1 dir=$OUT/$1 san=$2 compiler=$3
  shift 3
  "$ROOT/scripts/setup.sh" "$dir" \
    -DNPU_BUILD_COMPILER="$compiler" -DNPU_BUILD_BENCHMARKS=OFF \
    -DNPU_SANITIZE="$san" -DNPU_ENABLE_ASSERTIONS=ON >/dev/null
  local start
  start=$(date +%s)
  cmake --build "$dir" -j "$JOBS"
  echo "sanitize: $name ($san) build took $(( $(date +%s) - start )) s"
  start=$(date +%s)
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@"
  echo "sanitize: $name ($san) tests took $(( $(date +%s) - start )) s"
}

if [ $CI = 1 ]; then
  run build-asan-rt address,undefined OFF
  exit 0
fi
run build-asan address,undefined ON
run build-tsan thread OFF
