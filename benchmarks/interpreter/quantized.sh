#!/usr/bin/env bash
# quantized.sh [BUILD_DIR] : a dynamically quantized CNN in the interpreter
# next to ONNX Runtime.
#
# Generates make_quantized.py's model (DynamicQuantizeLinear + ConvInteger /
# MatMulInteger layers) for a 1x3xSIZExSIZE input (SIZE=1024 by default),
# and times it in npu-interpret on the origin stage (the integer arithmetic
# as imported; canonicalization turns the quantize_dynamic pattern into the
# float model, docs/prequantized.md) (import included in the tool, only the
# runs timed) with one thread and with all hardware threads, and in ONNX Runtime
# (ort-run.js) with one thread, on the same input in the same run; then
# checks that both give the same output. RUNS (default 5) timed runs each;
# NPU_INTERPRET overrides the interpreter binary (e.g. an older build, with
# RUNS=1). Run by hand; the machine should be idle.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$ROOT/build}
PY=/usr/bin/python3
INTERP=${NPU_INTERPRET:-$BUILD/bin/npu-interpret}
WORK=${NPU_BENCH_DIR:-/tmp/npu-quantized-bench}
RUNS=${RUNS:-5}
SIZE=${SIZE:-1024}
ALL=$(nproc)
mkdir -p "$WORK"
[[ -x "$INTERP" ]] || { echo "build npu-interpret first ($INTERP)"; exit 1; }

model=$WORK/quantized_$SIZE.onnx
$PY "$HERE/make_quantized.py" "$model" "$SIZE"
$PY -c "import numpy as np, sys
rng = np.random.default_rng(5)
np.save(sys.argv[1], (rng.random((1, 3, $SIZE, $SIZE)) * 2 - 1).astype(np.float32))" \
  "$WORK/x.npy"

# "fastest median" in milliseconds.
interp() {
  "$INTERP" "$model" --compile-to origin --input "x=$WORK/x.npy" \
    --output-dir "$WORK/npu" --num-threads "$1" --repeat "$RUNS" |
    sed -nE 's/^time +([0-9.]+) ms( \(fastest of [0-9]+ runs; median ([0-9.]+) ms\))?.*/\1 \3/p' |
    awk '{ print $1, ($2 == "" ? $1 : $2) }'
}
ort() {
  node "$ROOT/tools/ort-oracle/ort-run.js" "$model" --input "x=$WORK/x.npy" \
    --output-dir "$WORK/ort" --threads "$1" --repeat "$RUNS" --warmup 1 |
    tail -n 1 | $PY -c "import json, sys
t = sorted(json.loads(sys.stdin.read())['times_ms'])
print(t[0], t[len(t) // 2])"
}

read -r o1 o1m < <(ort 1)
read -r i1 i1m < <(interp 1)
read -r iN iNm < <(interp "$ALL")
echo "dynamically quantized CNN, input 1x3x${SIZE}x${SIZE}, $RUNS runs (ms: fastest / median)"
awk -v o="$o1" -v om="$o1m" -v i1="$i1" -v i1m="$i1m" -v iN="$iN" -v iNm="$iNm" \
    -v n="$ALL" 'BEGIN {
  printf "  ONNX Runtime, 1 thread:     %9.1f / %9.1f\n", o, om
  printf "  interpreter, 1 thread:      %9.1f / %9.1f   (%.2fx ONNX Runtime)\n", i1, i1m, i1 / o
  printf "  interpreter, %d threads:     %9.1f / %9.1f   (%.2fx ONNX Runtime 1 thread)\n", n, iN, iNm, iN / o
}'
$PY - "$WORK/ort/y.npy" "$WORK/npu/y.npy" <<'PYEOF'
import sys
import numpy as np
a = np.load(sys.argv[1]).astype(np.float64)
b = np.load(sys.argv[2]).astype(np.float64)
cos = (a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())
print('  output agreement: %d of %d elements differ, cosine %.9f, max abs '
      'error %.3g (max |ORT| %.3g)'
      % ((a != b).sum(), a.size, cos, np.abs(a - b).max(), np.abs(a).max()))
PYEOF
