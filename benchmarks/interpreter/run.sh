#!/usr/bin/env bash
# run.sh [BUILD_DIR] [--model] : the interpreter next to ONNX Runtime.
#
# Builds single-layer ONNX models (make_layers.py), compiles them to the
# canonical stage with npu-compile, and times each with ONNX Runtime (ort_bench.js,
# onnxruntime-node) and npu-interpreter-bench, with one thread and with all
# hardware threads, printing GMAC/s side by side. With --model it also runs
# the whole ppocrv4_det at 1x3x640x640 on the same inputs and checks that
# both produce the same output. Run by hand; the machine should be idle.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../../build}
MODEL=0
[[ "${2:-}" == "--model" || "${1:-}" == "--model" ]] && MODEL=1
[[ "${1:-}" == "--model" ]] && BUILD=$HERE/../../build
PY=/usr/bin/python3
BENCH=$BUILD/bin/npu-interpreter-bench
COMPILE=$BUILD/bin/npu-compile
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
WORK=${NPU_BENCH_DIR:-/tmp/npu-interpreter-bench}
RUNS=${RUNS:-10}
ALL=$(nproc)
mkdir -p "$WORK"
[[ -x "$BENCH" ]] || { echo "build npu-interpreter-bench first ($BENCH)"; exit 1; }

ms() { sed -E 's/.*best=([0-9.]+)ms.*/\1/'; }

echo "layer                          GMAC  | ORT 1t   interp 1t | ORT ${ALL}t   interp ${ALL}t   (GMAC/s; elementwise rows: ms)"
$PY "$HERE/make_layers.py" "$WORK" | while read -r name shape; do
  "$COMPILE" "$WORK/$name.onnx" --input-shape "x=$shape" -o "$WORK/$name.mlir"
  line1=$("$BENCH" "$WORK/$name.mlir" --num-threads 1 --num-runs "$RUNS")
  gmac=$(echo "$line1" | sed -E 's/.*GMAC=([0-9.]+) .*/\1/')
  i1=$(echo "$line1" | ms)
  iN=$("$BENCH" "$WORK/$name.mlir" --num-threads "$ALL" --num-runs "$RUNS" | ms)
  o1=$(node "$HERE/ort_bench.js" --threads 1 --runs "$RUNS" --shape "$shape" "$WORK/$name.onnx" | ms)
  oN=$(node "$HERE/ort_bench.js" --threads "$ALL" --runs "$RUNS" --shape "$shape" "$WORK/$name.onnx" | ms)
  awk -v n="$name" -v g="$gmac" -v o1="$o1" -v i1="$i1" -v oN="$oN" -v iN="$iN" 'BEGIN {
    if (g > 0)
      printf "%-28s %6.3f | %7.1f  %7.1f   | %7.1f  %7.1f\n", n, g, g/o1*1e3, g/i1*1e3, g/oN*1e3, g/iN*1e3;
    else
      printf "%-28s   -    | %6.2fms %6.2fms  | %6.2fms %6.2fms\n", n, o1, i1, oN, iN }'
done

if [[ $MODEL == 1 ]]; then
  onnx=$DEPS/models/ppocrv4_det.onnx
  [[ -f "$onnx" ]] || { echo "missing $onnx (scripts/fetch-models.sh)"; exit 1; }
  "$COMPILE" "$onnx" --input-shape x=1,3,640,640 -o "$WORK/ppocrv4_det.mlir"
  echo
  echo "ppocrv4_det 1x3x640x640 (best of $RUNS):"
  for t in 1 "$ALL"; do
    o=$(node "$HERE/ort_bench.js" --threads "$t" --runs "$RUNS" --shape 1,3,640,640 \
          --output "$WORK/ort_out.npy" "$onnx" | ms)
    i=$("$BENCH" "$WORK/ppocrv4_det.mlir" --num-threads "$t" --num-runs "$RUNS" \
          --output "$WORK/interp_out.npy" | ms)
    awk -v t="$t" -v o="$o" -v i="$i" 'BEGIN {
      printf "  threads=%s  ORT %.1f ms  interpreter %.1f ms  ratio %.2f\n", t, o, i, i/o }'
  done
  $PY - "$WORK/ort_out.npy" "$WORK/interp_out.npy" <<'PYEOF'
import sys
import numpy as np
a = np.load(sys.argv[1]).astype(np.float64)
b = np.load(sys.argv[2]).astype(np.float64)
cos = (a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())
print('  output agreement: cosine %.9f, max abs error %.3g (max |ORT| %.3g)'
      % (cos, np.abs(a - b).max(), np.abs(a).max()))
PYEOF
fi
