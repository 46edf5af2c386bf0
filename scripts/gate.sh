#!/usr/bin/env bash
# gate.sh [BUILD_DIR] [--update] [--all]: the CI regression gate
# (docs/benchmark.md, "Regression gate"). Compares the deterministic figures
# of the development models (written by ctest's e2e-backend and
# e2e-backend-int8, which it runs first if their figures are missing or older
# than npu-compile), of the generated ResNet-50 and MobileNetV2, and FEIL /
# FIL as ratios to ONNX Runtime measured now, with benchmarks/gate/
# baseline.json. Prints what regressed and by how much; exits 1 if anything
# got worse beyond its tolerance. --update records the figures measured now
# as the new baseline (commit it with the change that moved them; the timing
# ratios as the median of five measurements); --all
# prints every figure, not only those that moved.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
CHECK_ARGS=()
REPEATS=1
for arg in "$@"; do
  case "$arg" in
    --update) CHECK_ARGS+=("$arg"); REPEATS=5 ;;
    --all) CHECK_ARGS+=("$arg") ;;
    -*) echo "usage: gate.sh [BUILD_DIR] [--update] [--all]" >&2; exit 2 ;;
    *) BUILD=$(cd "$arg" && pwd) ;;
  esac
done
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
PY=/usr/bin/python3
start=$(date +%s)

E2E=("$BUILD/gate/e2e-backend-fp16.json" "$BUILD/gate/e2e-backend-int8.json")
stale=0
for f in "${E2E[@]}"; do
  [ -f "$f" ] && [ "$f" -nt "$BUILD/bin/npu-compile" ] || stale=1
done
if [ "$stale" = 1 ]; then
  echo "gate: running ctest's e2e-backend tests for the development models' figures"
  ctest --test-dir "$BUILD" -R '^e2e-backend(-int8)?$' --output-on-failure -j "$(nproc)"
fi

"$PY" "$ROOT/benchmarks/gate/measure.py" --tools "$BUILD/bin" --deps "$DEPS" \
  --work "$BUILD/gate/work" -o "$BUILD/gate/current.json" \
  --e2e "${E2E[0]}" --e2e "${E2E[1]}" --benchmark-repeats "$REPEATS"
status=0
"$PY" "$ROOT/benchmarks/gate/check.py" "$ROOT/benchmarks/gate/baseline.json" \
  "$BUILD/gate/current.json" ${CHECK_ARGS[@]+"${CHECK_ARGS[@]}"} || status=$?
echo "gate: took $(( $(date +%s) - start )) s"
exit "$status"
