#!/usr/bin/env bash
# demo.sh [BUILD_DIR]: installs everything, builds, fetches the real models and
# runs the main job: PP-OCRv4's recogniser compiled to the canonical stage, run
# on the reference interpreter and checked against ONNX Runtime on a real line
# of printed text, plus a sample blob on the simulated NPU.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
"$ROOT/scripts/setup.sh" "$BUILD"
cmake --build "$BUILD"
exec /usr/bin/python3 "$ROOT/scripts/demo.py" --build "$BUILD" \
  --deps "${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}"
