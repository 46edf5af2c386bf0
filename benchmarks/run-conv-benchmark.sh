#!/usr/bin/env bash
# run-conv-benchmark.sh [BUILD_DIR] [ITERATIONS]: the ResNet-style int8 3x3
# convolution 56x56x64 -> 64 on the simulated NPU (DPU tasks, all host
# threads) and in ONNX Runtime (float32, one thread), side by side, with the
# ratio of their GMAC/s. Run by hand; not part of the test suite.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
ITER=${2:-50}
BENCH="$BUILD/bin/npu-conv-benchmark"
[ -x "$BENCH" ] || { echo "build npu-conv-benchmark first (ninja -C $BUILD npu-conv-benchmark)" >&2; exit 1; }
"$BENCH" --iterations "$ITER"
node "$ROOT/benchmarks/ort_conv.js" "$ITER"
sim=$("$BENCH" --iterations "$ITER" --json | sed -n 's/.*"gmacs": \([0-9.]*\).*/\1/p')
ort=$(node "$ROOT/benchmarks/ort_conv.js" "$ITER" --json | sed -n 's/.*"gmacs":\([0-9.]*\).*/\1/p')
awk -v s="$sim" -v o="$ort" 'BEGIN { printf "ratio simulator / onnxruntime: %.2f (%.2f / %.2f GMAC/s; target >= 0.5)\n", s / o, s, o }'
