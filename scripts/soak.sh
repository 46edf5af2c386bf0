#!/usr/bin/env bash
# soak.sh [BUILD_DIR] [-- NPU_SOAK_ARGS...]: the long-run / parallel / device
# fault soak of one real compiled model (issue 11). Compiles the openWakeWord
# "alexa" model (fp16, NPU3720) with the build's npu-compile, then runs
# npu-soak on it: 10,000 sequential inferences, 16 parallel infer requests x
# 1,000 inferences, a faulting copy of the model on the same device
# throughout; every result must equal the first run's and the resident memory
# must stay flat. Prints the figures and exits non-zero on any failure.
#
# Environment: NPU_DEPS_DIR (default ~/.cache/npu-compile) holds the models
# (scripts/fetch-models.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  BUILD=$(cd "$1" && pwd)
  shift
fi
[ "${1:-}" = "--" ] && shift
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
MODEL=$DEPS/models/oww_alexa_v0.1.onnx
for tool in npu-compile npu-soak; do
  if [ ! -x "$BUILD/bin/$tool" ]; then
    echo "soak: $BUILD/bin/$tool is missing; build it first" >&2
    exit 1
  fi
done
if [ ! -f "$MODEL" ]; then
  echo "soak: $MODEL is missing; run scripts/fetch-models.sh" >&2
  exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BLOB=$WORK/oww_alexa.blob
echo "soak: $BUILD/bin/npu-compile $MODEL -o $BLOB --precision fp16 --target NPU3720"
"$BUILD/bin/npu-compile" "$MODEL" -o "$BLOB" --precision fp16 --target NPU3720
"$BUILD/bin/npu-blob" verify "$BLOB"
set -x
time "$BUILD/bin/npu-soak" "$BLOB" --sequential 10000 --requests 16 \
  --per-request 1000 "$@"
