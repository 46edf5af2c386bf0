#!/usr/bin/env bash
# floor.sh [BUILD_DIR] [WORK_DIR]: the modelled NPU latency of ResNet-50 v1.5,
# MobileNetV2 and a BERT-style encoder (benchmarks/models/gen_models.py,
# random weights) in int8 and fp16 on NPU3720 and NPU4000, next to each
# model's physical floor on the same target (npu-floor: MACs at peak rate on
# the tiles in use, or the bytes that must cross DDR at DDR bandwidth,
# whichever is larger). Modelled cycles, blob bytes and the floor are
# deterministic: one run gives the figures. Run by hand, never by ctest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
WORK=${2:-$(mktemp -d /tmp/npu-floor.XXXXXX)}
BIN=$BUILD/bin
mkdir -p "$WORK"
/usr/bin/python3 "$ROOT/benchmarks/models/gen_models.py" "$WORK" > /dev/null
# One input per model (each has one input, 'input'): random, seeded.
/usr/bin/python3 - "$WORK" <<'PY'
import os, sys
import numpy as np
import onnx
work = sys.argv[1]
for name in ("resnet50_v1.5", "mobilenet_v2", "bert_encoder"):
    m = onnx.load(os.path.join(work, name + ".onnx"), load_external_data=False)
    (x,) = m.graph.input
    shape = [d.dim_value for d in x.type.tensor_type.shape.dim]
    rng = np.random.default_rng(0)
    np.save(os.path.join(work, name + ".input.npy"),
            rng.standard_normal(shape).astype(np.float32))
PY

printf '%-16s %-8s %-5s %12s %12s %12s %8s %12s\n' \
  model target prec "latency_us" "floor_us" "bound" "ratio" "blob_bytes"
for model in resnet50_v1.5 mobilenet_v2 bert_encoder; do
  for target in NPU3720 NPU4000; do
    for prec in int8 fp16; do
      onnx=$WORK/$model.onnx
      blob=$WORK/$model.$target.$prec.blob
      # Without --calib-data the compiler calibrates on generated samples
      # (random weights: accuracy is not the point here, speed is).
      "$BIN/npu-compile" "$onnx" -o "$blob" --target "$target" \
        --precision "$prec" 2> "$WORK/compile.log" || {
        echo "$model $target $prec: compile failed:"; cat "$WORK/compile.log"
        continue; }
      run=$("$BIN/npu-run" "$blob" --input "input=$WORK/$model.input.npy" \
        --output-dir "$WORK/out" 2>&1) || {
        echo "$model $target $prec: run failed: $run"; continue; }
      latency=$(sed -n 's/.*modelled NPU latency: [0-9]* cycles = \([0-9.]*\) us.*/\1/p' <<< "$run")
      floor=$("$BIN/npu-floor" "$onnx" --target "$target" --precision "$prec" --json)
      read -r floor_us bound < <(/usr/bin/python3 -c '
import json, sys
f = json.loads(sys.argv[1])
bound = "compute" if f["compute_floor_us"] >= f["ddr_floor_us"] else "ddr"
print("%.2f %s" % (f["floor_us"], bound))' "$floor")
      ratio=$(/usr/bin/python3 -c "print('%.2f' % ($latency / $floor_us))")
      printf '%-16s %-8s %-5s %12s %12s %12s %8s %12s\n' "$model" "$target" \
        "$prec" "$latency" "$floor_us" "$bound" "${ratio}x" \
        "$(stat -c %s "$blob")"
    done
  done
done
