#!/usr/bin/env python3
"""Writes hardware-op (npuhw) functions for the code generation tests.

    gen_hwops.py MODEL OUT_DIR

writes OUT_DIR/model.mlir, its inputs OUT_DIR/<name>.npy (seeded, so the
same bytes every run) and, where NumPy computes the device's exact result
independently (int8 convolution with the DPU's integer post-processing,
data movement), OUT_DIR/expected/<name>.npy.
"""
import os
import sys

import numpy as np

RNG = np.random.default_rng(1234)


def dense(arr):
    return 'dense<"0x%s">' % np.ascontiguousarray(arr).tobytes().hex().upper()


def ttype(shape, et):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [et])


def f32_word(v):
    return int(np.array([v], np.float32).view(np.int32)[0])


def table(k, per_channel, requant, bias):
    t = np.zeros((k, 4), np.int32)
    t[:, 0] = np.arange(k) * per_channel
    t[:, 1] = -1
    t[:, 2] = requant
    t[:, 3] = bias
    return t


def pack_requant(mult, shift):
    return np.int32(np.uint32((mult & 0xFFFF) << 16 | (shift & 0x3F) << 8).view(np.int32))


class Fn:
    def __init__(self):
        self.args, self.results, self.body, self.n = [], [], [], 0

    def arg(self, name, shape, et):
        self.args.append('%%%s: %s {npu.name = "%s"}' % (name, ttype(shape, et), name))
        return "%" + name

    def const(self, arr, et):
        v = "%%c%d" % self.n
        self.n += 1
        self.body.append("  %s = npu.constant %s : %s" % (v, dense(arr), ttype(arr.shape, et)))
        return v

    def op(self, text, rtype):
        v = "%%v%d" % self.n
        self.n += 1
        self.body.append("  %s = %s -> %s" % (v, text, rtype))
        return v

    def raw(self, text):
        v = "%%v%d" % self.n
        self.n += 1
        self.body.append("  %s = %s" % (v, text))
        return v

    def ret(self, pairs):
        self.results = pairs

    def text(self):
        res = ", ".join('%s {npu.name = "%s"}' % (t, n) for _, t, n in self.results)
        out = "func.func @main(%s) -> (%s) {\n" % (", ".join(self.args), res)
        out += "\n".join(self.body) + "\n"
        out += "  return %s : %s\n}\n" % (", ".join(v for v, _, _ in self.results),
                                        ", ".join(t for _, t, _ in self.results))
        return out


def conv_op(fn, kind, x, xs, xt, w, t, ws, wt, k, s, p, outs, outt, extra=""):
    attrs = "kernel = array<i64: %d, %d>, strides = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>%s" % (
        k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], extra)
    operands = x + ("" if w is None else ", %s, %s" % (w, t))
    types = ttype(xs, xt) + ("" if w is None else ", %s, %s" % (ttype(ws, wt), ttype((ws[0], 4), "i32")))
    return fn.op("npuhw.dpu_conv %s %s {%s} : (%s)" % (kind, operands, attrs, types), ttype(outs, outt))


def out_size(n, k, s, a, b):
    return (n + a + b - k) // s + 1


def conv_f16(H, C, K, k, s, pad):
    """f16 convolution with ReLU; pads (top, left, bottom, right)."""
    fn = Fn()
    x = fn.arg("x", (H, H, C), "f16")
    w = (RNG.standard_normal((K, k, k, C)) * 0.1).astype(np.float16)
    bias = RNG.standard_normal(K).astype(np.float32)
    t = table(K, k * k * C * 2, f32_word(1.0), 0)
    t[:, 3] = bias.view(np.int32)
    wc, tc = fn.const(w, "f16"), fn.const(t, "i32")
    OH = out_size(H, k, s, pad[0], pad[2])
    OW = out_size(H, k, s, pad[1], pad[3])
    y = conv_op(fn, "conv", x, (H, H, C), "f16", wc, tc, w.shape, "f16", (k, k), (s, s), pad,
                (OH, OW, K), "f16", ", activation = #npuhw.activation<relu>")
    fn.ret([(y, ttype((OH, OW, K), "f16"), "y")])
    inputs = {"x": RNG.standard_normal((H, H, C)).astype(np.float16)}
    return fn, inputs, {}


def int8_conv_reference(x, w, bias, zp_in, mult, shift, zp_out, s, pad, relu=False):
    H, W, C = x.shape
    K, kh, kw, _ = w.shape
    xp = np.zeros((H + pad[0] + pad[2], W + pad[1] + pad[3], C), np.int64)
    xp[pad[0]:pad[0] + H, pad[1]:pad[1] + W] = x.astype(np.int64) - zp_in
    OH = (xp.shape[0] - kh) // s + 1
    OW = (xp.shape[1] - kw) // s + 1
    acc = np.zeros((OH, OW, K), np.int64)
    wl = w.astype(np.int64)
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[ky:ky + s * (OH - 1) + 1:s, kx:kx + s * (OW - 1) + 1:s]
            acc += patch @ wl[:, ky, kx, :].T
    acc += bias  # Fits the DPU's 32-bit accumulator for these ranges.
    if relu:
        acc = np.maximum(acc, 0)
    v = acc * mult
    if shift > 0:
        v = (v + (1 << (shift - 1))) >> shift
    v = v + zp_out
    return np.clip(v, -128, 127).astype(np.int8)


def conv_i8(H, C, K, k, s, p):
    """int8 convolution whose weights do not fit one tile's CMX."""
    fn = Fn()
    x = fn.arg("x", (H, H, C), "i8")
    w = RNG.integers(-128, 128, (K, k, k, C), dtype=np.int8)
    bias = RNG.integers(-5000, 5000, K).astype(np.int32)
    mult, shift, zp_in, zp_out = 3000, 20, 3, -2
    t = table(K, k * k * C, pack_requant(mult, shift), 0)
    t[:, 3] = bias
    wc, tc = fn.const(w, "i8"), fn.const(t, "i32")
    OH = out_size(H, k, s, p, p)
    y = conv_op(fn, "conv", x, (H, H, C), "i8", wc, tc, w.shape, "i8", (k, k), (s, s), (p, p, p, p),
                (OH, OH, K), "i8", ", in_zero_point = %d : i32, out_zero_point = %d : i32" % (zp_in, zp_out))
    fn.ret([(y, ttype((OH, OH, K), "i8"), "y")])
    xv = RNG.integers(-128, 128, (H, H, C), dtype=np.int8)
    ref = int8_conv_reference(xv, w, bias, zp_in, mult, shift, zp_out, s, (p, p, p, p))
    return fn, {"x": xv}, {"y": ref}


def dw_pool_eltwise():
    """int8 depthwise -> max pool -> avg pool, eltwise add of the two pools."""
    fn = Fn()
    H, C = 40, 48
    x = fn.arg("x", (H, H, C), "i8")
    w = RNG.integers(-20, 20, (C, 3, 3, 1), dtype=np.int8)
    t = table(C, 9, pack_requant(1, 2), 0)
    t[:, 3] = RNG.integers(-100, 100, C)
    wc, tc = fn.const(w, "i8"), fn.const(t, "i32")
    d = conv_op(fn, "depthwise", x, (H, H, C), "i8", wc, tc, w.shape, "i8", (3, 3), (1, 1), (1, 1, 1, 1),
                (H, H, C), "i8", ", in_zero_point = 1 : i32")
    m = conv_op(fn, "max_pool", d, (H, H, C), "i8", None, None, None, None, (2, 2), (2, 2), (0, 0, 0, 0),
                (H // 2, H // 2, C), "i8")
    a = conv_op(fn, "avg_pool", m, (H // 2, H // 2, C), "i8", None, None, None, None, (3, 3), (1, 1),
                (1, 1, 1, 1), (H // 2, H // 2, C), "i8", ", mult = 7282 : i32, shift = 16 : i32")
    s = ttype((H // 2, H // 2, C), "i8")
    e = fn.op("npuhw.dpu_eltwise add %s, %s {lhs_mult = 2 : i32, shift = 1 : i32} : (%s, %s)" % (a, m, s, s), s)
    fn.ret([(e, s, "y"), (m, s, "pooled")])
    return fn, {"x": RNG.integers(-128, 128, (H, H, C), dtype=np.int8)}, {}


def eltwise_f16():
    fn = Fn()
    shape = (30, 20, 32)
    a = fn.arg("a", shape, "f16")
    b = fn.arg("b", shape, "f16")
    s = ttype(shape, "f16")
    e = fn.op("npuhw.dpu_eltwise sub %s, %s {fbias = 0.5 : f32} : (%s, %s)" % (a, b, s, s), s)
    fn.ret([(e, s, "y")])
    return fn, {"a": RNG.standard_normal(shape).astype(np.float16),
                "b": RNG.standard_normal(shape).astype(np.float16)}, {}


def f32_input_conv():
    """An f32 input converted to f16 on the device, then a 1x1 conv."""
    fn = Fn()
    H, C, K = 32, 16, 32
    x = fn.arg("x", (H, H, C), "f32")
    h = fn.op("npuhw.shave \"convert\" %s : (%s)" % (x, ttype((H, H, C), "f32")), ttype((H, H, C), "f16"))
    w = (RNG.standard_normal((K, 1, 1, C)) * 0.2).astype(np.float16)
    t = table(K, C * 2, f32_word(0.5), 0)
    wc, tc = fn.const(w, "f16"), fn.const(t, "i32")
    y = conv_op(fn, "conv", h, (H, H, C), "f16", wc, tc, w.shape, "f16", (1, 1), (1, 1), (0, 0, 0, 0),
                (H, H, K), "f16")
    fn.ret([(y, ttype((H, H, K), "f16"), "y")])
    return fn, {"x": RNG.standard_normal((H, H, C)).astype(np.float32)}, {}


def shave_chain():
    """convert -> sigmoid -> mul (by a constant) -> softmax, all on SHAVEs."""
    fn = Fn()
    shape = (1, 8, 64, 64)
    x = fn.arg("x", shape, "f32")
    f16 = ttype(shape, "f16")
    h = fn.op("npuhw.shave \"convert\" %s : (%s)" % (x, ttype(shape, "f32")), f16)
    s = fn.op("npuhw.shave \"sigmoid\" %s : (%s)" % (h, f16), f16)
    c = fn.const(RNG.standard_normal(shape).astype(np.float16), "f16")
    m = fn.op("npuhw.shave \"mul\" %s, %s : (%s, %s)" % (s, c, f16, f16), f16)
    sm = fn.op("npuhw.shave \"softmax\" %s {iparams = array<i64: 3>} : (%s)" % (m, f16), f16)
    fn.ret([(sm, f16, "y")])
    return fn, {"x": RNG.standard_normal(shape).astype(np.float32)}, {}


def space_to_depth_stem(fn, v, h, w):
    """The f16 [3, h, 2, w, 2] value `v` as [h, w, 16]: its 2x2 blocks of 3
    channels (12), then channel 0 of each block again (4)."""
    blocks = ttype((h, w, 2, 2, 3), "f16")
    t = fn.raw("npu.transpose %s {perm = array<i64: 1, 3, 2, 4, 0>} : (%s) -> %s" % (
        v, ttype((3, h, 2, w, 2), "f16"), blocks))
    real = fn.raw("npu.reshape %s : %s to %s" % (t, blocks, ttype((h, w, 12), "f16")))
    first = fn.raw("npu.slice %s {starts = array<i64: 0, 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1, 1>} : %s to %s" % (
        t, blocks, ttype((h, w, 2, 2, 1), "f16")))
    pad = fn.raw("npu.reshape %s : %s to %s" % (first, ttype((h, w, 2, 2, 1), "f16"), ttype((h, w, 4), "f16")))
    return fn.raw("npu.concat %s, %s {axis = 2 : i64} : (%s, %s) -> %s" % (
        real, pad, ttype((h, w, 12), "f16"), ttype((h, w, 4), "f16"), ttype((h, w, 16), "f16")))


def space_to_depth_reference(v):
    """NumPy's space_to_depth_stem of [3, h, 2, w, 2] `v`."""
    b = v.transpose(1, 3, 2, 4, 0)
    h, w = b.shape[:2]
    return np.concatenate([b.reshape(h, w, 12), b[..., 0:1].reshape(h, w, 4)], axis=2)


def data_movement():
    """transpose, slice (steps), concat, reshape; results that are an
    argument and a constant (copies)."""
    fn = Fn()
    x = fn.arg("x", (2, 6, 10, 16), "f16")
    y = fn.arg("z", (2, 10, 16, 3), "f16")
    tr = fn.raw("npu.transpose %s {perm = array<i64: 0, 2, 3, 1>} : (%s) -> %s" % (
        x, ttype((2, 6, 10, 16), "f16"), ttype((2, 10, 16, 6), "f16")))
    sl = fn.raw("npu.slice %s {starts = array<i64: 0, 1, 0, 0>, steps = array<i64: 1, 2, 1, 1>} : %s to %s" % (
        tr, ttype((2, 10, 16, 6), "f16"), ttype((2, 5, 16, 6), "f16")))
    ys = fn.raw("npu.slice %s {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 2, 1, 1>} : %s to %s" % (
        y, ttype((2, 10, 16, 3), "f16"), ttype((2, 5, 16, 3), "f16")))
    cc = fn.raw("npu.concat %s, %s {axis = 3 : i64} : (%s, %s) -> %s" % (
        sl, ys, ttype((2, 5, 16, 6), "f16"), ttype((2, 5, 16, 3), "f16"), ttype((2, 5, 16, 9), "f16")))
    rs = fn.raw("npu.reshape %s : %s to %s" % (cc, ttype((2, 5, 16, 9), "f16"), ttype((10, 144), "f16")))
    k = RNG.standard_normal((4, 4)).astype(np.float16)
    kc = fn.const(k, "f16")
    # A space-to-depth stem's input (DpuLowering.cpp): 2x2 blocks of 3
    # channels seen as 12 (a reshape strides cannot express over the
    # transposed view), padded to 16 with a slice of the blocks.
    u = fn.arg("u", (3, 4, 2, 6, 2), "f16")
    w = space_to_depth_stem(fn, u, 4, 6)
    # The same stem computed by an elementwise SHAVE op (an f32 input
    # converted to f16) that only the concat reads: the conversion writes
    # straight into the 16 channels, split over the SHAVEs (CopyElision.h,
    # findShaveOpsIntoConcats).
    B = (3, 64, 2, 64, 2)
    v = fn.arg("v", B, "f32")
    vh = fn.op("npuhw.shave \"convert\" %s : (%s)" % (v, ttype(B, "f32")), ttype(B, "f16"))
    s2d = space_to_depth_stem(fn, vh, 64, 64)
    fn.ret([(rs, ttype((10, 144), "f16"), "y"), (x, ttype((2, 6, 10, 16), "f16"), "x_copy"),
            (kc, ttype((4, 4), "f16"), "k"), (w, ttype((4, 6, 16), "f16"), "w"),
            (s2d, ttype((64, 64, 16), "f16"), "s2d")])
    xv = RNG.standard_normal((2, 6, 10, 16)).astype(np.float16)
    zv = RNG.standard_normal((2, 10, 16, 3)).astype(np.float16)
    uv = RNG.standard_normal((3, 4, 2, 6, 2)).astype(np.float16)
    vv = RNG.standard_normal(B).astype(np.float32)
    t = xv.transpose(0, 2, 3, 1)[:, 1::2]
    ref = np.concatenate([t, zv[:, 0::2]], axis=3).reshape(10, 144)
    wref = space_to_depth_reference(uv)
    s2dref = space_to_depth_reference(vv.astype(np.float16))
    return fn, {"x": xv, "z": zv, "u": uv, "v": vv}, {"y": ref, "x_copy": xv, "k": k, "w": wref, "s2d": s2dref}


def stem_prologue():
    """A space-to-depth stem computed by an elementwise SHAVE op (an f32
    input converted to f16) that only a convolution reads: the conversion
    runs per convolution piece, on the piece's tile, straight into its
    input in CMX (CopyElision.h, findShavePrologues)."""
    fn = Fn()
    H, K = 48, 32
    B = (3, H, 2, H, 2)
    v = fn.arg("v", B, "f32")
    vh = fn.op("npuhw.shave \"convert\" %s : (%s)" % (v, ttype(B, "f32")), ttype(B, "f16"))
    s2d = space_to_depth_stem(fn, vh, H, H)
    w = (RNG.standard_normal((K, 3, 3, 16)) * 0.1).astype(np.float16)
    w[..., 12:] = 0  # the padding channels meet zero weights
    t = table(K, 3 * 3 * 16 * 2, f32_word(1.0), 0)
    t[:, 3] = RNG.standard_normal(K).astype(np.float32).view(np.int32)
    wc, tc = fn.const(w, "f16"), fn.const(t, "i32")
    y = conv_op(fn, "conv", s2d, (H, H, 16), "f16", wc, tc, w.shape, "f16", (3, 3), (1, 1), (1, 1, 1, 1),
                (H, H, K), "f16", ", activation = #npuhw.activation<relu>")
    fn.ret([(y, ttype((H, H, K), "f16"), "y")])
    return fn, {"v": RNG.standard_normal(B).astype(np.float32)}, {}


def conv_chain_i8():
    """A conv-heavy int8 chain (ResNet-like stage): 3x3 convs with ReLU, a
    residual eltwise add, a strided conv doubling the channels."""
    fn = Fn()
    H, C = 56, 64
    x = fn.arg("x", (H, H, C), "i8")
    xv = RNG.integers(-128, 128, (H, H, C), dtype=np.int8)

    def conv(v, ref, h, c, k, s):
        w = RNG.integers(-8, 8, (k, 3, 3, c), dtype=np.int8)
        t = table(k, 9 * c, pack_requant(1, 8), 0)
        t[:, 3] = RNG.integers(-500, 500, k)
        wc, tc = fn.const(w, "i8"), fn.const(t, "i32")
        oh = out_size(h, 3, s, 1, 1)
        out = conv_op(fn, "conv", v, (h, h, c), "i8", wc, tc, w.shape, "i8", (3, 3), (s, s), (1, 1, 1, 1),
                      (oh, oh, k), "i8", ", activation = #npuhw.activation<relu>")
        return out, int8_conv_reference(ref, w, t[:, 3], 0, 1, 8, 0, s, (1, 1, 1, 1), relu=True), oh

    a, ar, h = conv(x, xv, H, C, C, 1)
    b, br, h = conv(a, ar, h, C, C, 1)
    s = ttype((H, H, C), "i8")
    r = fn.op("npuhw.dpu_eltwise add %s, %s : (%s, %s)" % (b, x, s, s), s)
    rr = np.clip(br.astype(np.int64) + xv, -128, 127).astype(np.int8)
    c, cr, h2 = conv(r, rr, H, C, 2 * C, 2)
    d, dr, h2 = conv(c, cr, h2, 2 * C, 2 * C, 1)
    fn.ret([(d, ttype((h2, h2, 2 * C), "i8"), "y")])
    return fn, {"x": xv}, {"y": dr}


def bottleneck_i8():
    """A ResNet bottleneck at 56x56 (1x1 expand to 256 channels, 1x1
    reduce, 3x3, 1x1 expand, residual add): its 256-channel tensors are read
    only by 1x1 convs and the add, so CmxResidency holds them banded."""
    fn = Fn()
    H = 56
    x = fn.arg("x", (H, H, 64), "i8")
    xv = RNG.integers(-128, 128, (H, H, 64), dtype=np.int8)

    def conv(v, ref, c, k, ks, relu):
        pad = ks // 2
        w = RNG.integers(-8, 8, (k, ks, ks, c), dtype=np.int8)
        t = table(k, ks * ks * c, pack_requant(1, 8), 0)
        t[:, 3] = RNG.integers(-500, 500, k)
        wc, tc = fn.const(w, "i8"), fn.const(t, "i32")
        act = ", activation = #npuhw.activation<relu>" if relu else ""
        out = conv_op(fn, "conv", v, (H, H, c), "i8", wc, tc, w.shape, "i8", (ks, ks), (1, 1),
                      (pad,) * 4, (H, H, k), "i8", act)
        return out, int8_conv_reference(ref, w, t[:, 3], 0, 1, 8, 0, 1, (pad,) * 4, relu=relu)

    a, ar = conv(x, xv, 64, 256, 1, False)
    b, br = conv(a, ar, 256, 64, 1, True)
    c, cr = conv(b, br, 64, 64, 3, True)
    d, dr = conv(c, cr, 64, 256, 1, False)
    s = ttype((H, H, 256), "i8")
    y = fn.op("npuhw.dpu_eltwise add %s, %s : (%s, %s)" % (d, a, s, s), s)
    yr = np.clip(dr.astype(np.int64) + ar, -128, 127).astype(np.int8)
    fn.ret([(y, s, "y")])
    return fn, {"x": xv}, {"y": yr}


def add_then_device_weights():
    """A conv (a) whose result, reshaped, is the weights of a matmul (c)
    that follows an eltwise add (b): c's weights are written on the device
    by a, so they cannot load while a runs (two ops ahead), only while b
    does."""
    fn = Fn()
    H, C = 8, 16
    x = fn.arg("x", (H, H, C), "f16")
    w = (RNG.standard_normal((C, 1, 1, C)) * 0.2).astype(np.float16)
    t = table(C, C * 2, f32_word(1.0), 0)
    wc, tc = fn.const(w, "f16"), fn.const(t, "i32")
    a = conv_op(fn, "conv", x, (H, H, C), "f16", wc, tc, w.shape, "f16", (1, 1), (1, 1), (0, 0, 0, 0),
                (H, H, C), "f16")
    K = H * H
    wa = fn.raw("npu.reshape %s : %s to %s" % (a, ttype((H, H, C), "f16"), ttype((K, 1, 1, C), "f16")))
    s = ttype((H, H, C), "f16")
    b = fn.op("npuhw.dpu_eltwise add %s, %s : (%s, %s)" % (x, x, s, s), s)
    t2 = table(K, C * 2, f32_word(1.0), 0)
    tc2 = fn.const(t2, "i32")
    c = conv_op(fn, "conv", b, (H, H, C), "f16", wa, tc2, (K, 1, 1, C), "f16", (1, 1), (1, 1), (0, 0, 0, 0),
                (H, H, K), "f16")
    fn.ret([(c, ttype((H, H, K), "f16"), "y")])
    return fn, {"x": (RNG.standard_normal((H, H, C)) * 0.5).astype(np.float16)}, {}


def shave_split():
    """SHAVE kernels split over the SHAVEs beyond elementwise ones: a batched
    matmul (by heads), softmax over the last axis (by rows), a division by a
    broadcast scalar (flat chunks), a per-channel multiplication (by
    channels), a 2-d matmul (by rows of A), mvn with scale and bias (by
    rows; scale and bias whole) and a bilinear resize (by channels)."""
    fn = Fn()
    x = fn.arg("x", (1, 4, 128, 64), "f32")
    t = lambda shape: ttype(shape, "f16")
    h = fn.op("npuhw.shave \"convert\" %s : (%s)" % (x, ttype((1, 4, 128, 64), "f32")), t((1, 4, 128, 64)))
    b = fn.const((RNG.standard_normal((1, 4, 64, 128)) * 0.2).astype(np.float16), "f16")
    m = fn.op("npuhw.shave \"matmul\" %s, %s : (%s, %s)" % (h, b, t((1, 4, 128, 64)), t((1, 4, 64, 128))),
              t((1, 4, 128, 128)))
    sm = fn.op("npuhw.shave \"softmax\" %s {iparams = array<i64: 3>} : (%s)" % (m, t((1, 4, 128, 128))),
               t((1, 4, 128, 128)))
    k = fn.const(np.full((1, 1, 1, 1), 0.5, np.float16), "f16")
    d = fn.op("npuhw.shave \"div\" %s, %s : (%s, %s)" % (sm, k, t((1, 4, 128, 128)), t((1, 1, 1, 1))),
              t((1, 4, 128, 128)))
    pc = fn.const((RNG.standard_normal((1, 4, 1, 1))).astype(np.float16), "f16")
    d = fn.op("npuhw.shave \"mul\" %s, %s : (%s, %s)" % (d, pc, t((1, 4, 128, 128)), t((1, 4, 1, 1))),
              t((1, 4, 128, 128)))
    r = fn.raw("npu.reshape %s : %s to %s" % (d, t((1, 4, 128, 128)), t((512, 128))))
    c = fn.const((RNG.standard_normal((128, 64)) * 0.2).astype(np.float16), "f16")
    m2 = fn.op("npuhw.shave \"matmul\" %s, %s : (%s, %s)" % (r, c, t((512, 128)), t((128, 64))), t((512, 64)))
    r2 = fn.raw("npu.reshape %s : %s to %s" % (m2, t((512, 64)), t((1, 512, 64))))
    sc = fn.const(RNG.standard_normal(64).astype(np.float16), "f16")
    bi = fn.const(RNG.standard_normal(64).astype(np.float16), "f16")
    y = fn.op("npuhw.shave \"mvn\" %s, %s, %s {fparams = array<f32: 1.0e-05>, iparams = array<i64: 1, 2>} : (%s, %s, %s)" % (
        r2, sc, bi, t((1, 512, 64)), t((64,)), t((64,))), t((1, 512, 64)))
    # Resize maps each [H, W] plane alone: split over the channels.
    z = fn.op("npuhw.shave \"resize\" %s {iparams = array<i64: 1>} : (%s)" % (d, t((1, 4, 128, 128))),
              t((1, 4, 96, 160)))
    fn.ret([(y, t((1, 512, 64)), "y"), (z, t((1, 4, 96, 160)), "z")])
    return fn, {"x": RNG.standard_normal((1, 4, 128, 64)).astype(np.float32)}, {}


def reduce_split():
    """Reductions split over the SHAVEs by the dimension they keep: a
    global average pool of [1, C, H, W] (dense slabs of channels), a max
    over the spatial dimensions of [H, W, C] (strided slabs of channels)
    and a sum over the last axis of [N, K] (slabs of rows)."""
    fn = Fn()
    t = lambda shape: ttype(shape, "f16")
    x = fn.arg("x", (1, 24, 96, 96), "f16")
    m = fn.op("npuhw.shave \"reduce_mean\" %s : (%s)" % (x, t((1, 24, 96, 96))), t((1, 24, 1, 1)))
    h = fn.arg("h", (64, 64, 48), "f16")
    mx = fn.op("npuhw.shave \"reduce_max\" %s : (%s)" % (h, t((64, 64, 48))), t((1, 1, 48)))
    r = fn.raw("npu.reshape %s : %s to %s" % (h, t((64, 64, 48)), t((4096, 48))))
    sm = fn.op("npuhw.shave \"reduce_sum\" %s : (%s)" % (r, t((4096, 48))), t((4096, 1)))
    fn.ret([(m, t((1, 24, 1, 1)), "mean"), (mx, t((1, 1, 48)), "max"), (sm, t((4096, 1)), "sum")])
    return fn, {"x": RNG.standard_normal((1, 24, 96, 96)).astype(np.float16),
                "h": RNG.standard_normal((64, 64, 48)).astype(np.float16)}, {}


def epilogue_chain():
    """f16 convolutions followed by SHAVE ops that code generation runs on
    their pieces (ShaveEpilogue.h): hswish, a scalar multiply and a scalar
    add after a 3x3 conv (in place; their result read by a 1x1 conv), then
    sigmoid and a conversion to f32 after the 1x1 conv (the conversion
    writes the result)."""
    fn = Fn()
    H, C, K = 32, 16, 32
    x = fn.arg("x", (H, H, C), "f16")

    def conv(v, c, k):
        w = (RNG.standard_normal((K, k, k, c)) * 0.2).astype(np.float16)
        t = table(K, k * k * c * 2, f32_word(1.0), 0)
        t[:, 3] = RNG.standard_normal(K).astype(np.float32).view(np.int32)
        wc, tc = fn.const(w, "f16"), fn.const(t, "i32")
        p = k // 2
        return conv_op(fn, "conv", v, (H, H, c), "f16", wc, tc, w.shape, "f16", (k, k), (1, 1),
                       (p, p, p, p), (H, H, K), "f16")

    f16 = ttype((H, H, K), "f16")
    scalar = ttype((1, 1, 1), "f16")
    a = conv(x, C, 3)
    h = fn.op("npuhw.shave \"hswish\" %s : (%s)" % (a, f16), f16)
    m = fn.op("npuhw.shave \"mul\" %s, %s : (%s, %s)" % (
        h, fn.const(np.full((1, 1, 1), 0.75, np.float16), "f16"), f16, scalar), f16)
    d = fn.op("npuhw.shave \"add\" %s, %s : (%s, %s)" % (
        fn.const(np.full((1, 1, 1), -0.5, np.float16), "f16"), m, scalar, f16), f16)
    b = conv(d, K, 1)
    s = fn.op("npuhw.shave \"sigmoid\" %s : (%s)" % (b, f16), f16)
    y = fn.op("npuhw.shave \"convert\" %s : (%s)" % (s, f16), ttype((H, H, K), "f32"))
    fn.ret([(y, ttype((H, H, K), "f32"), "y")])
    return fn, {"x": RNG.standard_normal((H, H, C)).astype(np.float16)}, {}


def epilogue_per_channel():
    """A f16 convolution whose output channels the tiles split, followed by
    SHAVE ops with per-channel operands that code generation runs on its
    pieces: hswish with a per-channel scale and shift ([x, scale, shift],
    rounded after each step), a per-channel multiply, and a conversion to
    f32. Each piece reads its own channels of the constants."""
    fn = Fn()
    H, C, K = 8, 64, 256
    x = fn.arg("x", (H, H, C), "f16")
    w = (RNG.standard_normal((K, 3, 3, C)) * 0.1).astype(np.float16)
    t = table(K, 3 * 3 * C * 2, f32_word(1.0), 0)
    t[:, 3] = RNG.standard_normal(K).astype(np.float32).view(np.int32)
    a = conv_op(fn, "conv", x, (H, H, C), "f16", fn.const(w, "f16"), fn.const(t, "i32"), w.shape, "f16",
                (3, 3), (1, 1), (1, 1, 1, 1), (H, H, K), "f16")
    f16 = ttype((H, H, K), "f16")
    vec = ttype((1, 1, K), "f16")
    per_channel = lambda: fn.const(RNG.uniform(-2, 2, (1, 1, K)).astype(np.float16), "f16")
    h = fn.op("npuhw.shave \"hswish\" %s, %s, %s {iparams = array<i64: 1>} : (%s, %s, %s)" % (
        a, per_channel(), per_channel(), f16, vec, vec), f16)
    m = fn.op("npuhw.shave \"mul\" %s, %s : (%s, %s)" % (per_channel(), h, vec, f16), f16)
    y = fn.op("npuhw.shave \"convert\" %s : (%s)" % (m, f16), ttype((H, H, K), "f32"))
    fn.ret([(y, ttype((H, H, K), "f32"), "y")])
    return fn, {"x": RNG.standard_normal((H, H, C)).astype(np.float16)}, {}


def views_into_dpu():
    """Attention's per-head matmuls: q, k and v projected by 1x1 convs,
    each head's slice of q read as a matmul's input, of k as its weights,
    and of v transposed as the second matmul's weights; an eltwise add of
    two channel slices of the graph input. Every slice and transpose is
    read only by DPU ops, so none is copied: the DPU pieces load straight
    from the viewed bytes (CopyElision.h). The heads' outputs, a second
    add and a convolution's SHAVE epilogue go to concats, which copy none
    of them: the DPU pieces store into the concats' results."""
    fn = Fn()
    S, D, H = 32, 64, 2
    E = D // H
    x = fn.arg("x", (1, S, D), "f16")
    sx = ttype((1, S, D), "f16")

    def project_from(v):
        w = (RNG.standard_normal((D, 1, 1, D)) * 0.15).astype(np.float16)
        wc = fn.const(w, "f16")
        tc = fn.const(table(D, D * 2, f32_word(1.0), 0), "i32")
        return conv_op(fn, "conv", v, (1, S, D), "f16", wc, tc, w.shape, "f16", (1, 1), (1, 1),
                       (0, 0, 0, 0), (1, S, D), "f16")

    def project():
        return project_from(x)

    def heads(v):
        return fn.raw("npu.reshape %s : %s to %s" % (v, sx, ttype((1, S, H, E), "f16")))

    def head(v4, h):
        return fn.raw("npu.slice %s {starts = array<i64: 0, 0, %d, 0>, steps = array<i64: 1, 1, 1, 1>} : %s to %s" % (
            v4, h, ttype((1, S, H, E), "f16"), ttype((1, S, 1, E), "f16")))

    def reshape(v, a, b):
        return fn.raw("npu.reshape %s : %s to %s" % (v, ttype(a, "f16"), ttype(b, "f16")))

    q, k, v = heads(project()), heads(project()), heads(project())
    tq = fn.const(table(S, E * 2, f32_word(0.125), 0), "i32")
    tv = fn.const(table(E, S * 2, f32_word(1.0), 0), "i32")
    outs = []
    for h in range(H):
        qh = reshape(head(q, h), (1, S, 1, E), (1, S, E))
        kh = reshape(head(k, h), (1, S, 1, E), (S, 1, 1, E))
        scores = conv_op(fn, "conv", qh, (1, S, E), "f16", kh, tq, (S, 1, 1, E), "f16", (1, 1), (1, 1),
                         (0, 0, 0, 0), (1, S, S), "f16")
        vh = reshape(head(v, h), (1, S, 1, E), (S, E))
        vt = fn.raw("npu.transpose %s {perm = array<i64: 1, 0>} : (%s) -> %s" % (
            vh, ttype((S, E), "f16"), ttype((E, S), "f16")))
        vw = reshape(vt, (E, S), (E, 1, 1, S))
        o = conv_op(fn, "conv", scores, (1, S, S), "f16", vw, tv, (E, 1, 1, S), "f16", (1, 1), (1, 1),
                    (0, 0, 0, 0), (1, S, E), "f16")
        outs.append(o)
    st = ttype((1, S, E), "f16")
    sh = ttype((1, S, D), "f16")
    # The heads' outputs concatenated: each matmul stores into the concat.
    heads = fn.raw("npu.concat %s, %s {axis = 2 : i64} : (%s, %s) -> %s" % (outs[0], outs[1], st, st, sh))
    x4 = reshape(x, (1, S, D), (1, S, 2, E))
    half = [reshape(head(x4, i), (1, S, 1, E), (1, S, E)) for i in range(2)]
    add = fn.op("npuhw.dpu_eltwise add %s, %s : (%s, %s)" % (half[0], half[1], st, st), st)
    # An eltwise add and a convolution with a SHAVE epilogue, both stored
    # into a concat along the rows.
    add2 = fn.op("npuhw.dpu_eltwise add %s, %s : (%s, %s)" % (half[1], half[0], st, st), st)
    sig = fn.op("npuhw.shave \"sigmoid\" %s : (%s)" % (project(), sh), sh)
    add2r = reshape(add2, (1, S, E), (S, 1, E))
    sigr = reshape(sig, (1, S, D), (S, 2, E))
    mixed = fn.raw("npu.concat %s, %s {axis = 1 : i64} : (%s, %s) -> %s" % (
        add2r, sigr, ttype((S, 1, E), "f16"), ttype((S, 2, E), "f16"), ttype((S, 3, E), "f16")))
    # Read by the output projection from DDR scratch, which the heads'
    # matmuls write before the concat's place in the program.
    proj = project_from(heads)
    fn.ret([(proj, sh, "proj"), (add, st, "halves"), (mixed, ttype((S, 3, E), "f16"), "mixed")])
    xv = (RNG.standard_normal((1, S, D)) * 0.5).astype(np.float16)
    return fn, {"x": xv}, {"halves": xv[:, :, :E] + xv[:, :, E:]}


MODELS = {
    "views_into_dpu": views_into_dpu,
    "epilogue_chain": epilogue_chain,
    "epilogue_per_channel": epilogue_per_channel,
    "reduce_split": reduce_split,
    "bench_conv": lambda: conv_i8(56, 64, 64, 3, 1, 1),
    "bottleneck_i8": bottleneck_i8,
    "add_then_device_weights": add_then_device_weights,
    "conv_chain_i8": conv_chain_i8,
    "conv_f16": lambda: conv_f16(96, 32, 64, 3, 2, (1, 1, 1, 1)),
    "conv_f16_k5": lambda: conv_f16(40, 16, 32, 5, 1, (2, 2, 2, 2)),
    "conv_f16_big": lambda: conv_f16(128, 64, 64, 3, 1, (1, 1, 1, 1)),
    "conv_i8_ksplit": lambda: conv_i8(8, 512, 512, 3, 1, 1),
    "dw_pool_eltwise": dw_pool_eltwise,
    "eltwise_f16": eltwise_f16,
    "f32_input_conv": f32_input_conv,
    "shave_chain": shave_chain,
    "shave_split": shave_split,
    "data_movement": data_movement,
    "stem_prologue": stem_prologue,
}


def main():
    name, out = sys.argv[1], sys.argv[2]
    fn, inputs, expected = MODELS[name]()
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    with open(os.path.join(out, "model.mlir"), "w") as f:
        f.write(fn.text())
    for k, v in inputs.items():
        np.save(os.path.join(out, k + ".npy"), v)
    for k, v in expected.items():
        np.save(os.path.join(out, "expected", k + ".npy"), v)


if __name__ == "__main__":
    main()
