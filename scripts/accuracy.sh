#!/usr/bin/env bash
# accuracy.sh [BUILD_DIR] [--ci] [--update] [--all] [--jobs N]: the real-data
# accuracy table (docs/accuracy.md): ONNX Runtime float against the blobs
# compiled per precision and calibration method, run on the simulated NPU,
# on the PP-OCR pipeline, the text detector alone and the openWakeWord chain
# (test/e2e/accuracy.py). Compares the figures with
# benchmarks/accuracy/baseline.json like the regression gate (scripts/gate.sh,
# benchmarks/gate/check.py): prints what got worse and by how much, exits 1
# if any figure got worse beyond its tolerance.
#
#   accuracy.sh build              the full table (about 30 min on 2 cores)
#   accuracy.sh build --update     the same, then records it as the baseline
#                                  and regenerates docs/accuracy.md (commit both)
#   accuracy.sh build --ci         the CI subset (.ci/run; about 2 min): only
#                                  the baseline's ci/ figures are compared
#   accuracy.sh build --ci --update  records the CI subset's figures only
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
SUBSET=full
UPDATE=0
CHECK_ARGS=()
JOBS=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) SUBSET=ci ;;
    --update) UPDATE=1; CHECK_ARGS+=(--update) ;;
    --all) CHECK_ARGS+=(--all) ;;
    --jobs) JOBS=$2; shift ;;
    -*) echo "usage: accuracy.sh [BUILD_DIR] [--ci] [--update] [--all] [--jobs N]" >&2; exit 2 ;;
    *) BUILD=$(cd "$1" && pwd) ;;
  esac
  shift
done
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
PY=/usr/bin/python3
WORK=$BUILD/accuracy/$SUBSET
CURRENT=$BUILD/accuracy/$SUBSET.json
BASELINE=$ROOT/benchmarks/accuracy/baseline.json
start=$(date +%s)

# Every blob is compiled afresh (the work directory is per subset; its
# calibration data is rebuilt only if missing).
rm -rf "$WORK"/int8-* "$WORK"/fp16 "$WORK"/mixed "$WORK"/mixed-*
ARGS=(--tools "$BUILD/bin" --deps "$DEPS" --work "$WORK" -o "$CURRENT" --subset "$SUBSET"
      --jobs "$JOBS")
if [ "$UPDATE" = 1 ] && [ "$SUBSET" = full ]; then
  ARGS+=(--markdown "$ROOT/docs/accuracy.md" --command "scripts/accuracy.sh BUILD --update")
fi
"$PY" "$ROOT/test/e2e/accuracy.py" "${ARGS[@]}"

ONLY=()
[ "$SUBSET" = ci ] && ONLY=(--only ci/)
status=0
"$PY" "$ROOT/benchmarks/gate/check.py" "$BASELINE" "$CURRENT" "${ONLY[@]}" --name accuracy \
  --update-hint "scripts/accuracy.sh BUILD --update (and commit benchmarks/accuracy/baseline.json and docs/accuracy.md)" \
  ${CHECK_ARGS[@]+"${CHECK_ARGS[@]}"} || status=$?
echo "accuracy: took $(( $(date +%s) - start )) s"
exit "$status"
