#!/usr/bin/env bash
# setup.sh [BUILD_DIR [CMAKE_ARGS...]]: installs everything npu-compile needs on
# Debian 12 and configures the build (CMAKE_ARGS added to the configuration,
# e.g. -DNPU_SANITIZE=thread). Idempotent: a second run only checks.
#
#   - Debian packages (LLVM/MLIR 22, protobuf, ONNX data, Level Zero, GoogleTest,
#     FlatBuffers, clang, Ninja, lld, ccache, Python's onnx/numpy/PIL, and
#     OpenCV, pyclipper, espeak-ng and the DejaVu fonts for the accuracy table, docs/accuracy.md);
#   - ONNX Runtime (npm onnxruntime-node, CPU), the independent numerical oracle;
#   - the real development models and inputs (scripts/fetch-models.sh);
#   - a CMake + Ninja + clang build directory (default: build/), Release with
#     assertions on (the only CI build that runs the compiler with them).
#
# Environment: NPU_DEPS_DIR (default ~/.cache/npu-compile) holds ONNX Runtime,
# models and inputs, outside the source tree so that clean clones share them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
[ $# -gt 0 ] && shift
DEPS=${NPU_DEPS_DIR:-$HOME/.cache/npu-compile}
mkdir -p "$DEPS"

APT_PACKAGES=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  python3-onnx python3-numpy python3-pil
  python3-opencv python3-pyclipper espeak-ng fonts-dejavu-core
  libze-dev libze1 libgtest-dev libgmock-dev flatbuffers-compiler libflatbuffers-dev
  libzip-dev libeigen3-dev nlohmann-json3-dev
  cmake ninja-build pkgconf clang lld ccache
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm (for ONNX Runtime) may come from elsewhere than Debian.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime for Node.js: its install script would download CUDA libraries, which
# is skipped; the CPU library ships inside the package.
ORT_VERSION=1.30.0
if [ ! -f "$DEPS/node_modules/onnxruntime-node/package.json" ] ||
   ! grep -q "\"version\": \"$ORT_VERSION\"" "$DEPS/node_modules/onnxruntime-node/package.json"; then
  echo "setup: installing onnxruntime-node@$ORT_VERSION into $DEPS"
  (cd "$DEPS" && [ -f package.json ] || echo '{"private": true}' > "$DEPS/package.json"
   cd "$DEPS" && npm install --no-audit --no-fund --silent \
     --onnxruntime-node-install=skip "onnxruntime-node@$ORT_VERSION")
fi

"$ROOT/scripts/fetch-models.sh" "$DEPS"

# Configure once; later runs reuse the build directory.
if [ ! -f "$BUILD/build.ninja" ]; then
  # ccache with CCACHE_BASEDIR: paths inside the tree are hashed relative to
  # the build directory, so another clone of the tree (a CI checkout) reuses
  # this one's objects instead of compiling everything again. The sanitizer
  # builds carry line tables, so the working directory is left out of the
  # hash too (CCACHE_NOHASHDIR): a hit's debug information names the first
  # clone's build directory, whose relative paths are the same.
  LAUNCHER=()
  ccache="env;CCACHE_BASEDIR=$ROOT;CCACHE_NOHASHDIR=1;ccache"
  command -v ccache >/dev/null &&
    LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER="$ccache"
              -DCMAKE_CXX_COMPILER_LAUNCHER="$ccache")
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE=/usr/bin/python3 \
    -DNPU_DEPS_DIR="$DEPS" \
    -DNPU_ENABLE_ASSERTIONS=ON \
    "${LAUNCHER[@]}" "$@"
fi
echo "setup: done (build directory $BUILD, dependencies in $DEPS)"
