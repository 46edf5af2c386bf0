#!/usr/bin/env bash
# fuzz.sh [TARGET|all|smoke|build] [SECONDS]: builds the libFuzzer targets in
# a separate build directory and fuzzes them (docs/fuzzing.md).
#
#   scripts/fuzz.sh                 every target for 60 s each, one at a time
#   scripts/fuzz.sh onnx 3600       the ONNX importer target for an hour
#   scripts/fuzz.sh smoke [SECONDS] build, then ctest's fuzz-smoke-* tests
#                                   (NPU_FUZZ_TARGETS: which, default all)
#   scripts/fuzz.sh build [TARGET]  build only
#
# Targets: onnx, blob, npy, calib-table, run-args. The project's code is
# compiled with clang and -fsanitize=fuzzer-no-link,address,undefined (UB is
# fatal); the MLIR / LLVM libraries stay as Debian built them.
#
# Environment:
#   NPU_FUZZ_BUILD  build directory (default: build-fuzz beside build/)
#   NPU_FUZZ_JOBS   parallel compile jobs (default 2)
#   NPU_FUZZ_WORK   where new corpus entries and crashers go (default
#                   $NPU_FUZZ_BUILD/fuzz-work/TARGET); the checked-in corpus
#                   under fuzz/TARGET/corpus is only read
#   NPU_FUZZ_ARGS   extra libFuzzer flags
#   NPU_FUZZ_TARGETS  the targets `smoke` runs
#   NPU_FUZZ_NO_BUILD=1  run the fuzzers as built (e.g. while another build
#                   of the same directory is running)
# A crasher is written as $NPU_FUZZ_WORK/crash-<sha1> (or oom-, timeout-,
# leak-); copy it into fuzz/TARGET/regressions/ to keep it fixed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NPU_FUZZ_BUILD:-$ROOT/build-fuzz}
JOBS=${NPU_FUZZ_JOBS:-2}
ALL_TARGETS=(onnx blob npy calib-table run-args)

what=${1:-all}
seconds=${2:-60}

configure() {
  if [ -f "$BUILD/build.ninja" ]; then
    return
  fi
  local launcher=()
  # As scripts/setup.sh: objects shared between clones of the tree. These
  # carry line tables, so the working directory is left out of the hash too
  # (CCACHE_NOHASHDIR): a hit's debug information names the first clone's
  # build directory, whose relative paths are the same.
  local ccache="env;CCACHE_BASEDIR=$ROOT;CCACHE_NOHASHDIR=1;ccache"
  command -v ccache >/dev/null &&
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER="$ccache" -DCMAKE_CXX_COMPILER_LAUNCHER="$ccache")
  local san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -gline-tables-only"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
    -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DPython3_EXECUTABLE=/usr/bin/python3 \
    -DNPU_BUILD_FUZZERS=ON -DNPU_BUILD_TESTS=OFF -DNPU_BUILD_BENCHMARKS=OFF \
    "${launcher[@]}"
}

fuzzer_name() {
  echo "npu-$1-fuzzer"
}

check_target() {
  for t in "${ALL_TARGETS[@]}"; do
    [ "$t" = "$1" ] && return
  done
  echo "fuzz.sh: unknown target '$1' (targets: ${ALL_TARGETS[*]})" >&2
  exit 2
}

build() {
  [ "${NPU_FUZZ_NO_BUILD:-0}" = 1 ] && return
  configure
  local exes=()
  for t in "$@"; do
    exes+=("$(fuzzer_name "$t")")
  done
  ninja -C "$BUILD" -j "$JOBS" "${exes[@]}"
}

# Debian's LLVM is not instrumented: its BumpPtrAllocator, inlined into the
# instrumented code, poisons slabs that uninstrumented MLIR code hands out (a
# false use-after-poison in mlir::Dialect::addType on the onnx target's first
# input). Options given in the environment come after, and win.
export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

run() {
  local t=$1 secs=$2
  local work=${NPU_FUZZ_WORK:-$BUILD/fuzz-work/$t}
  local dir=$ROOT/fuzz/$t
  local dict=()
  [ -f "$dir/$t.dict" ] && dict=(-dict="$dir/$t.dict")
  mkdir -p "$work/corpus"
  echo "fuzz.sh: fuzzing $t for $secs s (new inputs in $work/corpus)"
  # shellcheck disable=SC2086
  "$BUILD/bin/$(fuzzer_name "$t")" -max_total_time="$secs" \
    -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/" "${dict[@]}" ${NPU_FUZZ_ARGS:-} \
    "$work/corpus" "$dir/corpus" "$dir/regressions"
}

case "$what" in
  build)
    targets=("${ALL_TARGETS[@]}")
    [ $# -ge 2 ] && { check_target "$2"; targets=("$2"); }
    build "${targets[@]}"
    ;;
  smoke)
    read -r -a targets <<< "${NPU_FUZZ_TARGETS:-${ALL_TARGETS[*]}}"
    for t in "${targets[@]}"; do check_target "$t"; done
    build "${targets[@]}"
    cmake -DNPU_FUZZ_SMOKE_SECONDS="${2:-20}" "$BUILD" >/dev/null
    regex=$(IFS='|'; echo "^fuzz-smoke-(${targets[*]})\$")
    ctest --test-dir "$BUILD/fuzz" -R "$regex" --output-on-failure
    ;;
  all)
    build "${ALL_TARGETS[@]}"
    for t in "${ALL_TARGETS[@]}"; do
      run "$t" "$seconds"
    done
    ;;
  *)
    check_target "$what"
    build "$what"
    run "$what" "$seconds"
    ;;
esac
