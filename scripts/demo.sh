#!/usr/bin/env bash
# demo.sh [BUILD_DIR]: installs everything, builds, fetches the real models and
# runs the main job: PP-OCRv4's recogniser compiled to an fp16 blob, run on
# the simulated NPU 3720 on a real line of printed text, checked bit for bit
# against the interpreter and against ONNX Runtime's reading of the line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
"$ROOT/scripts/setup.sh" "$BUILD"
# Only what the demo runs (the tests and benchmarks are test.sh's).
cmake --build "$BUILD" --target npu-compile npu-run npu-interpret ze_npu_sim
exec /usr/bin/python3 "$ROOT/scripts/demo.py" --build "$BUILD" \
  --deps "${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}"
