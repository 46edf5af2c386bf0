#!/usr/bin/env python3
"""Checks the outputs of a model of Resize nodes against the ONNX Resize
specification (opset 19) evaluated in exact rational arithmetic.

Usage: resize_reference.py MODEL.onnx OUTPUT_DIR   (run with /usr/bin/python3)

Every Resize node of the model must read constant data (an initializer) and
write a graph output, which npu-interpret wrote as OUTPUT_DIR/<name>.npy.
With `sizes`, the scale of an axis is the exact ratio output / input (or,
with keep_aspect_ratio_policy, one axis' ratio), so every sample coordinate
is a fraction: no rounding decides which input sample a nearest output takes
or where a linear / cubic tap lands. Float outputs must equal the exact value
to float32 precision; where the exact value is 0 they must be 0 within
1e-12 (a tap weight off by a rounding error would leave ~1e-7 there).
"""
import math
import os
import sys
from fractions import Fraction as Fr

import numpy as np
import onnx
from onnx import helper, numpy_helper


def attrs_of(n):
    a = {x.name: helper.get_attribute_value(x) for x in n.attribute}
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in a.items()}


def scales_and_sizes(shape, sizes, axes, policy):
    r = len(shape)
    axes = [a % r for a in axes] if axes else list(range(r))
    out = list(shape)
    scales = [Fr(1)] * r
    ratios = [Fr(int(s), shape[a]) for s, a in zip(sizes, axes)]
    if policy == "stretch":
        for a, s, q in zip(axes, sizes, ratios):
            out[a], scales[a] = int(s), q
    else:
        q = min(ratios) if policy == "not_larger" else max(ratios)
        for a in axes:
            scales[a] = q
            out[a] = math.floor(q * shape[a] + Fr(1, 2))  # round half up
    return scales, out


def source(x, scale, n_in, n_out, coord, roi_start, roi_end):
    if coord == "half_pixel":
        return (x + Fr(1, 2)) / scale - Fr(1, 2)
    if coord == "half_pixel_symmetric":
        adjustment = n_out / (scale * n_in)
        offset = Fr(n_in, 2) * (1 - adjustment)
        return offset + (x + Fr(1, 2)) / scale - Fr(1, 2)
    if coord == "pytorch_half_pixel":
        return (x + Fr(1, 2)) / scale - Fr(1, 2) if n_out > 1 else Fr(0)
    if coord == "align_corners":
        return Fr(0) if n_out == 1 else x * (n_in - 1) / (scale * n_in - 1)
    if coord == "asymmetric":
        return x / scale
    if coord == "tf_crop_and_resize":
        if n_out == 1:
            return (roi_start + roi_end) * (n_in - 1) / 2
        return roi_start * (n_in - 1) + x * (roi_end - roi_start) * (
            n_in - 1) / (scale * n_in - 1)
    raise ValueError(coord)


def cubic(d, a):
    d = abs(d)
    if d <= 1:
        return ((a + 2) * d - (a + 3)) * d * d + 1
    if d < 2:
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return Fr(0)


def taps(src, n_in, at):
    """(index, weight) pairs of one output coordinate; None: outside."""
    clamp = lambda i: min(max(i, 0), n_in - 1)
    mode = at.get("mode", "nearest")
    if mode == "nearest":
        nm, fl = at.get("nearest_mode", "round_prefer_floor"), math.floor(src)
        if nm == "floor":
            i = fl
        elif nm == "ceil":
            i = math.ceil(src)
        elif src - fl == Fr(1, 2):
            i = fl if nm == "round_prefer_floor" else fl + 1
        else:
            i = math.floor(src + Fr(1, 2))
        return [(clamp(i), Fr(1))]
    fl = math.floor(src)
    r = src - fl
    if mode == "linear":
        return [(clamp(fl), 1 - r), (clamp(fl + 1), r)]
    a = Fr(at.get("cubic_coeff_a", -0.75))
    t = [(fl - 1 + k, cubic(r - (k - 1), a)) for k in range(4)]
    if at.get("exclude_outside", 0):
        t = [(i, w if 0 <= i < n_in else Fr(0)) for i, w in t]
        total = sum(w for _, w in t)
        t = [(i, w / total) for i, w in t]
    return [(clamp(i), w) for i, w in t]


def reference(x, at, sizes, roi):
    shape = list(x.shape)
    r = len(shape)
    scales, out = scales_and_sizes(shape, sizes, at.get("axes"),
                                   at.get("keep_aspect_ratio_policy", "stretch"))
    coord = at.get("coordinate_transformation_mode", "half_pixel")
    roi = [Fr(float(v)) for v in roi] if roi is not None else \
        [Fr(0)] * r + [Fr(1)] * r
    if at.get("axes") and len(roi) != 2 * r:  # roi given per axis
        full = [Fr(0)] * r + [Fr(1)] * r
        axes = [a % r for a in at["axes"]]
        for i, a in enumerate(axes):
            full[a], full[r + a] = roi[i], roi[len(axes) + i]
        roi = full
    per_dim = []
    for d in range(r):
        dim = []
        for o in range(out[d]):
            src = source(o, scales[d], shape[d], out[d], coord, roi[d],
                         roi[r + d])
            outside = coord == "tf_crop_and_resize" and not (
                0 <= src <= shape[d] - 1)
            dim.append(None if outside else taps(src, shape[d], at))
        per_dim.append(dim)
    y = np.zeros(out, dtype=np.float64)
    extrapolation = Fr(float(at.get("extrapolation_value", 0.0)))
    for idx in np.ndindex(*out):
        ts = [per_dim[d][idx[d]] for d in range(r)]
        if any(t is None for t in ts):
            y[idx] = float(extrapolation)
            continue
        acc = Fr(0)
        for combo in np.ndindex(*[len(t) for t in ts]):
            w, src_idx = Fr(1), []
            for d, k in enumerate(combo):
                i, wk = ts[d][k]
                w *= wk
                src_idx.append(i)
            if w:
                acc += w * Fr(float(x[tuple(src_idx)]))
        y[idx] = float(acc)
    return y


def main(model_path, out_dir):
    model = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    failures = 0
    for n in model.graph.node:
        if n.op_type != "Resize":
            continue
        at = attrs_of(n)
        ins = list(n.input) + [""] * (4 - len(n.input))
        x = inits[ins[0]]
        roi = inits[ins[1]] if ins[1] else None
        expected = reference(x, at, inits[ins[3]], roi)
        got = np.load(os.path.join(out_dir, n.output[0] + ".npy"))
        ok = got.shape == expected.shape and np.all(
            np.abs(got - expected) <= 2e-7 * np.abs(expected) + 1e-12)
        print(("ok   " if ok else "FAIL ") + n.output[0])
        if not ok:
            failures += 1
            print("  expected", expected.ravel().tolist())
            print("  got     ", got.ravel().tolist())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
