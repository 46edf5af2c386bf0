#!/usr/bin/env bash
# feil_all.sh [BUILD_DIR] [OUT_DIR]: npu-benchmark on every development model
# and the generated ResNet-50, on NPU3720 and NPU4000, int8 (the default
# precision; calibrated on npu-compile's generated samples) with a model
# cache: FEIL, FIL, cache-hit FIL and the steady state next to ONNX
# Runtime's session creation + first run measured in the same run
# (docs/benchmark.md). Writes OUT_DIR/<model>.<target>.json and prints one
# table row per model and target. A figure of a shared, noisy machine: the
# ratios to ONNX Runtime are the comparable ones.
#
# Environment: NPU_BENCH_RUNS (default 3), NPU_DEPS_DIR (default
# ~/.cache/npu-compile).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
OUT=${2:-$BUILD/feil}
RUNS=${NPU_BENCH_RUNS:-3}
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
M=$DEPS/models
mkdir -p "$OUT"
[ -f "$OUT/models/resnet50_v1.5.onnx" ] ||
  /usr/bin/python3 "$ROOT/benchmarks/models/gen_models.py" --models resnet50_v1.5 "$OUT/models" >/dev/null
# name | model | input shape
MODELS=(
  "ppocrv4_det|$M/ppocrv4_det.onnx|x=1,3,640,640"
  "ppocrv4_rec|$M/ppocrv4_rec.onnx|x=1,3,48,320"
  "ppocr_cls_mobile_v2|$M/ppocr_cls_mobile_v2.onnx|x=1,3,48,192"
  "oww_melspectrogram|$M/oww_melspectrogram.onnx|input=1,1760"
  "oww_embedding|$M/oww_embedding.onnx|input_1=1,76,32,1"
  "oww_alexa_v0.1|$M/oww_alexa_v0.1.onnx|"
  "resnet50_v1.5|$OUT/models/resnet50_v1.5.onnx|"
)
for target in NPU3720 NPU4000; do
  for entry in "${MODELS[@]}"; do
    IFS='|' read -r name model shape <<< "$entry"
    args=(-m "$model" --target "$target" --runs "$RUNS" --iterations 2
          --cache-dir "$OUT/cache" --json "$OUT/$name.$target.json")
    [ -n "$shape" ] && args+=(--input-shape "$shape")
    "$BUILD/bin/npu-benchmark" "${args[@]}" >"$OUT/$name.$target.log" 2>&1 || {
      echo "feil_all: $name on $target failed (see $OUT/$name.$target.log)" >&2
      exit 1
    }
  done
done
/usr/bin/python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print('| model | target | FEIL ms | FIL ms | cache-hit FIL ms | ORT create+first ms | FEIL/ORT | FIL/ORT | hit/FEIL | modelled us | sim ms/inference | modelled FEIL ms | modelled FIL ms |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for f in sorted(glob.glob(os.path.join(out, '*.json'))):
    name, target = os.path.basename(f)[:-5].rsplit('.', 1)
    j = json.load(open(f))
    med = lambda k: (j.get(k) or {}).get('median')
    r = j.get('ratios') or {}
    ss = j.get('steady_state') or {}
    ort = (j.get('ort') or {}).get('total_ms')
    wm = j.get('with_modelled_first_inference') or {}
    feil, fil, hit = med('feil_ms'), med('fil_ms'), med('fil_cache_hit_ms')
    fmt = lambda v, p='%.0f': (p % v) if isinstance(v, (int, float)) else '-'
    print('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
        name, target, fmt(feil), fmt(fil), fmt(hit), fmt(ort),
        fmt(r.get('feil_over_ort'), '%.2f'), fmt(r.get('fil_over_ort'), '%.2f'),
        fmt(hit / feil if hit and feil else None, '%.3f'),
        fmt(ss.get('modelled_npu_latency_us'), '%.1f'), fmt(ss.get('host_ms_per_inference'), '%.1f'),
        fmt(wm.get('feil_ms')), fmt(wm.get('fil_ms'))))
PY
