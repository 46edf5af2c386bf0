#!/usr/bin/env bash
# test.sh [BUILD_DIR]: installs everything, builds, and runs the whole test suite
# (GoogleTest units, the lit suite, ONNX conformance and the real-model checks)
# through ctest, then the runtime side's tests under ASan + UBSan
# (scripts/sanitize.sh --ci; NPU_TEST_SANITIZERS=0 skips them). Exits
# non-zero if anything fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
"$ROOT/scripts/setup.sh" "$BUILD"
start=$(date +%s)
cmake --build "$BUILD"
echo "test: build took $(( $(date +%s) - start )) s"
start=$(date +%s)
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"
echo "test: tests took $(( $(date +%s) - start )) s"
if [ "${NPU_TEST_SANITIZERS:-1}" != 0 ]; then
  "$ROOT/scripts/sanitize.sh" --ci
fi
