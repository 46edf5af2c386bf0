#!/usr/bin/env python3
"""Real inputs of the PP-OCR direction classifier (3x48x192) for the mixed
precision test: the first text line of the printed test page as x.npy, the
next eight lines as calibration samples in calib/.

    cls_lines.py DEPS_DIR OUT_DIR [--width W] [--dtype float16]

--width gives another input width (the recogniser's 320); --dtype the
samples' type (a float16 model's).
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'e2e'))
import prepare_inputs as pi  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('deps')
ap.add_argument('out')
ap.add_argument('--width', type=int, default=192)
ap.add_argument('--dtype', default='float32', choices=['float32', 'float16'])
args = ap.parse_args()
deps, out = args.deps, args.out
os.makedirs(os.path.join(out, 'calib'), exist_ok=True)
page = Image.open(os.path.join(deps, 'inputs', 'images', 'opencv_imageTextN.png')).convert('RGB')
gray = np.asarray(page.convert('L'))
for n, (y0, y1) in enumerate(pi.text_lines(gray)[:9]):
    cols = np.where((gray[y0:y1] < 128).any(axis=0))[0]
    line = page.crop((max(0, cols[0] - 4), max(0, y0 - 3), cols[-1] + 4, y1 + 3))
    x = pi.paddle_rec_input(line, 48, args.width).astype(args.dtype)
    np.save(os.path.join(out, 'x.npy') if n == 0 else
            os.path.join(out, 'calib', '%03d.npy' % n), x)
