#!/usr/bin/env python3
"""Prints every graph output of MODEL.onnx that npu-interpret wrote into
OUTPUT_DIR, one line each: `name: v0 v1 ...` (values as %g), for FileCheck.

Usage: print_outputs.py MODEL.onnx OUTPUT_DIR   (run with /usr/bin/python3)
"""
import os
import sys

import numpy as np
import onnx


def main(model_path, out_dir):
    for output in onnx.load(model_path).graph.output:
        values = np.load(os.path.join(out_dir, output.name + ".npy"))
        print(output.name + ": " + " ".join("%g" % v for v in values.ravel()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
