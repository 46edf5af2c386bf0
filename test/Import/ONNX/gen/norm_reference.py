#!/usr/bin/env python3
"""Inputs and float64 references for gen_models.py's norm_* models.

Usage: norm_reference.py inputs NAME DIR [--fp16]
       norm_reference.py check MODEL.onnx INPUT_DIR OUTPUT_DIR [--fp16]

`inputs` writes the model's inputs as DIR/<input>.npy: rows with a large
mean and a small spread (the issue's [40000, 40001, 40002, 40003], a row
whose mean float32 cannot hold, rows near 1e6) and constant rows. With
--fp16 the values suit fp16 (around 1000, steps of 0.5).

`check` evaluates the model's single normalisation node in float64 with the
ONNX formula (two-pass statistics) from those inputs and the model's
initializers, and compares every output in OUTPUT_DIR with it: within 3
float32 ulps of max(|reference|, 1) (--fp16: 2 fp16 ulps, on the inputs
rounded to fp16 as the device reads them), and exactly equal where x is its
block's mean (a constant row normalises to exactly 0, plus the bias).
Exit status 1 on any mismatch.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# Rows of four: the row, a constant row, a row whose mean is not a
# float32, a row near 1e6 (float32 steps of 1/16 there).
ROWS32 = [[40000, 40001, 40002, 40003],
          [40000, 40000, 40000, 40000],
          [40000, 40000.00390625, 40001, 40003],
          [1e6, 1e6 + 0.0625, 1e6 + 0.125, 1e6 + 0.3125]]
ROWS16 = [[1000, 1001, 1002, 1003],
          [1000, 1000, 1000, 1000],
          [1000, 1000.5, 1001, 1003],
          [2000, 2001, 2003, 2003]]

SHAPES = {
    "norm_mvn": [1, 1, 4, 4],
    "norm_mvn_default_axes": [2, 3, 2, 2],
    "norm_instance": [1, 3, 4],
    "norm_layer": [4, 4],
    "norm_group18": [1, 4, 2, 2],
    "norm_group21": [2, 4, 2, 2],
    "norm_batch": [1, 3, 4],
    "norm_batch_training": [2, 3, 2],
    "norm_lrn": [1, 4, 3],
}


def make_input(name, fp16):
    rows = ROWS16 if fp16 else ROWS32
    shape = SHAPES[name]
    if name == "norm_batch":
        # Channel 0 around its running mean 40001.5, channel 1 at and around
        # 1e6, channel 2 around -2.5e5.
        x = [[40000, 40001, 40002, 40003],
             [1e6, 1e6 + 0.0625, 1e6 - 0.0625, 1e6],
             [-2.5e5 - 2, -2.5e5 + 0.5, -2.5e5, -2.5e5 + 3]]
        return np.array(x, np.float32).reshape(shape)
    if name == "norm_mvn_default_axes":
        # Per channel over both images: large mean, constant, near -1e6.
        x = np.zeros(shape)
        x[:, 0] = (np.array(rows[0] + rows[2]).reshape(2, 2, 2))
        x[:, 1] = rows[1][0]
        x[:, 2] = -np.array(rows[3] + rows[3][::-1]).reshape(2, 2, 2)
        return x.astype(np.float32)
    if name in ("norm_group18", "norm_group21"):
        # Per image: a group of a large mean and a small spread, a constant
        # group; the second image's first group near 1e6.
        x = [rows[0] + rows[2] + rows[1] + rows[1],
             rows[3] + rows[3][::-1] + rows[1] + rows[1]]
        return np.array(x[:shape[0]], np.float32).reshape(shape)
    if name == "norm_batch_training":
        # Channel 0 the row over (batch, width), channel 1 constant,
        # channel 2 a mean float32 cannot hold.
        x = np.zeros(shape)
        x[:, 0] = np.array(rows[0]).reshape(2, 2)
        x[:, 1] = rows[3][0]
        x[:, 2] = np.array(rows[2]).reshape(2, 2)
        return x.astype(np.float32)
    if name == "norm_lrn":
        x = 3e4 + 1e3 * (np.arange(12) % 7) - 1e2 * np.arange(12)
        return x.reshape(shape).astype(np.float32)
    flat = np.array(rows * 4, np.float64).reshape(-1)
    n = int(np.prod(shape))
    return flat[:n].reshape(shape).astype(np.float32)


def normalise(x, axes, eps, inside=True):
    """(x - mean) / sqrt(var + eps), or / (sqrt(var) + eps); the mask of x at
    its block's mean."""
    m = x.mean(axis=axes, keepdims=True)
    v = ((x - m) ** 2).mean(axis=axes, keepdims=True)
    d = np.sqrt(v + eps) if inside else np.sqrt(v) + eps
    return (x - m) / d, (x - m) == 0


def channel(p, rank):
    return p.reshape([1, -1] + [1] * (rank - 2))


def reference(model, x):
    """{output name: (float64 reference, exact mask or None)}."""
    g = model.graph
    node = g.node[0]
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    inits = {i.name: numpy_helper.to_array(i).astype(np.float64)
             for i in g.initializer}
    p = [inits.get(i) for i in node.input[1:]]
    f32 = lambda v: float(np.float32(v))
    eps = f32(attrs.get("epsilon", 1e-5))
    op, rank, outs = node.op_type, x.ndim, [o.name for o in g.output]
    if op == "MeanVarianceNormalization":
        y, exact = normalise(x, tuple(attrs.get("axes", [0, 2, 3])),
                             f32(1e-9), inside=False)
        return {outs[0]: (y, exact)}
    if op == "InstanceNormalization":
        z, exact = normalise(x, tuple(range(2, rank)), eps)
        return {outs[0]: (z * channel(p[0], rank) + channel(p[1], rank), exact)}
    if op == "LayerNormalization":
        axis = attrs.get("axis", -1) % rank
        z, exact = normalise(x, tuple(range(axis, rank)), eps)
        return {outs[0]: (z * p[0] + p[1], exact)}
    if op == "GroupNormalization":
        n, c, groups = x.shape[0], x.shape[1], attrs["num_groups"]
        z, exact = normalise(x.reshape(n, groups, -1), (2,), eps)
        z, exact = z.reshape(x.shape), exact.reshape(x.shape)
        s, b = p
        if s.size == groups != c:  # Opset 18: per group.
            s, b = np.repeat(s, c // groups), np.repeat(b, c // groups)
        return {outs[0]: (z * channel(s, rank) + channel(b, rank), exact)}
    if op == "BatchNormalization":
        s, b, m, v = p
        axes = (0,) + tuple(range(2, rank))
        if attrs.get("training_mode", 0):
            momentum = f32(attrs.get("momentum", 0.9))
            bm = x.mean(axis=axes)
            bv = ((x - channel(bm, rank)) ** 2).mean(axis=axes)
            z, exact = normalise(x, axes, eps)
            return {outs[0]: (z * channel(s, rank) + channel(b, rank), exact),
                    outs[1]: (m * momentum + bm * (1 - momentum), None),
                    outs[2]: (v * momentum + bv * (1 - momentum), None)}
        d = x - channel(m, rank)
        y = d / np.sqrt(channel(v, rank) + eps) * channel(s, rank)
        return {outs[0]: (y + channel(b, rank), d == 0)}
    if op == "LRN":
        size = attrs["size"]
        alpha, beta = f32(attrs.get("alpha", 1e-4)), f32(attrs.get("beta", 0.75))
        bias = f32(attrs.get("bias", 1.0))
        sq = np.zeros_like(x)
        c = x.shape[1]
        for ch in range(c):
            lo, hi = max(0, ch - (size - 1) // 2), min(c - 1, ch + size // 2)
            sq[:, ch] = (x[:, lo:hi + 1] ** 2).sum(axis=1)
        return {outs[0]: (x / (bias + alpha / size * sq) ** beta, None)}
    raise SystemExit("no reference for " + op)


def main(argv):
    fp16 = "--fp16" in argv
    argv = [a for a in argv if a != "--fp16"]
    if len(argv) == 4 and argv[1] == "inputs":
        os.makedirs(argv[3], exist_ok=True)
        np.save(os.path.join(argv[3], "x.npy"), make_input(argv[2], fp16))
        return 0
    if len(argv) != 5 or argv[1] != "check":
        print(__doc__, file=sys.stderr)
        return 2
    model = onnx.load(argv[2])
    x = np.load(os.path.join(argv[3], "x.npy"))
    if fp16:
        x = x.astype(np.float16)
    x = x.astype(np.float64)
    ok = True
    for name, (ref, exact) in reference(model, x).items():
        got = np.load(os.path.join(argv[4], name + ".npy")).astype(np.float64)
        scale = np.maximum(np.abs(ref), 1)
        if fp16:
            tol = 2 * np.spacing(scale.astype(np.float16)).astype(np.float64)
        else:
            tol = 3 * np.spacing(scale.astype(np.float32)).astype(np.float64)
        bad = np.abs(got - ref) > tol
        if exact is not None:
            exact = np.broadcast_to(exact, ref.shape)
            bad |= exact & (got != ref.astype(np.float32 if not fp16
                                              else np.float16))
        worst = np.max(np.abs(got - ref) / tol) if ref.size else 0
        if bad.any():
            ok = False
            print("FAIL %s: %d of %d elements off" % (name, bad.sum(), bad.size))
            for i in list(zip(*np.nonzero(bad)))[:8]:
                print("  at %s: got %r, float64 reference %r" %
                      (list(i), got[i], ref[i]))
        else:
            print("ok %s: within %.2f of the tolerance, %d exact" %
                  (name, worst, 0 if exact is None else int(exact.sum())))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
