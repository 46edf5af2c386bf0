#!/usr/bin/env python3
"""Writes a small pre-quantized CNN, as ONNX Runtime's and NNCF's quantizers do.

    gen_prequantized.py OUT.onnx --format qdq|qop --act uint8|int8
                        --weights per-tensor|per-channel [--input X.npy]
                        [--negative-weight-scales]

One float model (conv + relu, conv, add, mul, concat, max pool, 1x1 conv +
relu, global average pool, flatten, matmul + bias; outputs y and the
dequantized feature map `feat` of the 1x1 conv), random weights from a
fixed seed, quantized with the scales and zero points of its float ranges
(computed here with NumPy on samples of the input's distribution):
  qdq: QuantizeLinear -> DequantizeLinear pairs on activations, DQ of int8
       constant weights (symmetric; per output channel or per tensor) and of
       int32 biases (scale x_scale * w_scale);
  qop: QuantizeLinear, QLinearConv, com.microsoft QLinearAdd / QLinearMul /
       QLinearConcat / QLinearGlobalAveragePool, MaxPool and Flatten on the
       quantized tensor, QLinearMatMul, DequantizeLinear.
--input writes a test input of the same distribution (another seed).
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from numpy.lib.stride_tricks import sliding_window_view

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('--format', choices=['qdq', 'qop'], default='qdq')
ap.add_argument('--act', choices=['uint8', 'int8'], default='uint8')
ap.add_argument('--weights', choices=['per-tensor', 'per-channel'],
                default='per-channel')
ap.add_argument('--input')
ap.add_argument('--negative-weight-scales', action='store_true',
                help='negate the scale and the int8 values of every other '
                'weight channel (every weight, per tensor): the same float '
                'weights, as ONNX Runtime runs them')
a = ap.parse_args()

rng = np.random.default_rng(11)
X_SHAPE = (1, 3, 16, 16)


def rand(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


W1, B1 = rand(8, 3, 3, 3, scale=0.4), rand(8, scale=0.1)
W2, B2 = rand(8, 8, 3, 3, scale=0.15), rand(8, scale=0.1)
W3, B3 = rand(16, 16, 1, 1, scale=0.3), rand(16, scale=0.1)
W4, B4 = rand(16, 10, scale=0.4), rand(10, scale=0.1)


def conv(x, w, b, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))
    return np.einsum('nchwij,kcij->nkhw', win, w) + b[None, :, None, None]


def forward(x):
    t = {}
    t['x'] = x
    t['c1'] = np.maximum(conv(x, W1, B1, 1), 0)
    t['c2'] = conv(t['c1'], W2, B2, 1)
    t['s'] = t['c1'] + t['c2']
    t['m'] = t['s'] * t['c1']
    t['cat'] = np.concatenate([t['s'], t['m']], axis=1)
    n, c, h, w = t['cat'].shape
    t['p'] = t['cat'].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    t['c3'] = np.maximum(conv(t['p'], W3, B3, 0), 0)
    t['g'] = t['c3'].mean(axis=(2, 3), keepdims=True)
    t['y'] = t['g'].reshape(1, 16) @ W4 + B4
    return t


ranges = {}
for _ in range(8):
    for k, v in forward(rand(*X_SHAPE)).items():
        lo, hi = ranges.get(k, (0.0, 0.0))
        ranges[k] = (min(lo, float(v.min())), max(hi, float(v.max())))
# Shared by the tensors that keep their input's quantization.
ranges['p'] = ranges['cat']
ranges['f'] = ranges['g']

ACT = TensorProto.UINT8 if a.act == 'uint8' else TensorProto.INT8
QMIN, QMAX = (0, 255) if a.act == 'uint8' else (-128, 127)
NP_ACT = np.uint8 if a.act == 'uint8' else np.int8

inits, nodes = [], []


def const(name, value):
    inits.append(numpy_helper.from_array(value, name))
    return name


def node(op, ins, out, domain=None, **attrs):
    nodes.append(helper.make_node(op, ins, [out], name=out + '_node',
                                  domain=domain, **attrs))
    return out


params = {}


def act_params(k):
    """(scale name, zero point name, scale, zero point) of tensor `k`."""
    if k not in params:
        lo, hi = ranges[k]
        s = np.float32((hi - lo) / 255.0)
        zp = int(np.clip(np.round(QMIN - lo / s), QMIN, QMAX))
        params[k] = (const(k + '_scale', np.array(s, np.float32)),
                     const(k + '_zp', np.array(zp, NP_ACT)), float(s), zp)
    return params[k]


# uint8 activations get 7-bit weights, as ONNX Runtime's quantizer writes
# them with reduce_range: its uint8 x int8 kernels on x86 CPUs without VNNI
# (AVX2's vpmaddubsw) add pairs of products in saturating int16, which
# 7-bit weights never reach, so that ONNX Runtime, the oracle, computes the
# model exactly on every host (with 8 bits it does not on an AVX2 host).
WMAX = 63 if a.act == 'uint8' else 127


def weight(k, w, axis):
    """Symmetric int8 weights: scale max|w| / WMAX per channel along `axis`
    (per tensor: one scale)."""
    if a.weights == 'per-channel':
        other = tuple(d for d in range(w.ndim) if d != axis)
        s = (np.abs(w).max(axis=other) / WMAX).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.round(w / s.reshape(shape))
        zp = np.zeros(s.shape, np.int8)
    else:
        s = np.float32(np.abs(w).max() / WMAX)
        q = np.round(w / s)
        zp = np.array(0, np.int8)
        s = np.array(s, np.float32)
    q = np.clip(q, -WMAX, WMAX).astype(np.int8)
    if a.negative_weight_scales:
        sign = np.ones(s.shape, np.float32)
        sign.reshape(-1)[::2] = -1
        s = (s * sign).astype(np.float32)
        q = (q * (sign.reshape(shape) if s.ndim else sign)).astype(np.int8)
    return (const(k + '_wq', q), const(k + '_wscale', s),
            const(k + '_wzp', zp), s)


def bias(b, x_scale, w_scale):
    """int32 bias with scale x_scale * w_scale: (values, scale)."""
    s = (np.float32(x_scale) * w_scale).astype(np.float32)
    return np.round(b / s).astype(np.int32), np.asarray(s)


# --- QDQ -------------------------------------------------------------------
def qdq(k, t, tag=''):
    s, zp = act_params(k)[:2]
    q = node('QuantizeLinear', [t, s, zp], k + '_q' + tag)
    return node('DequantizeLinear', [q, s, zp], k + '_dq' + tag)


def dq_weight(k, w, axis):
    q, s, zp, sv = weight(k, w, axis)
    attrs = {'axis': axis} if a.weights == 'per-channel' else {}
    return node('DequantizeLinear', [q, s, zp], k + '_w', **attrs), sv


def dq_bias(k, b, x_key, w_scale):
    q, s = bias(b, act_params(x_key)[2], w_scale)
    attrs = {'axis': 0} if np.ndim(w_scale) else {}
    return node('DequantizeLinear',
                [const(k + '_bq', q), const(k + '_bscale', s),
                 const(k + '_bzp', np.zeros(s.shape, np.int32))],
                k + '_b', **attrs)


def qconv(k, xin, x_key, w, b, pad, relu):
    wd, ws = dq_weight(k, w, 0)
    bd = dq_bias(k, b, x_key, ws)
    y = node('Conv', [xin, wd, bd], k + '_conv', pads=[pad] * 4)
    if relu:
        y = node('Relu', [y], k + '_relu')
    return y


def build_qdq():
    x = qdq('x', 'x')
    c1 = qconv('c1', x, 'x', W1, B1, 1, True)
    c1a = qdq('c1', c1)
    c1b = qdq('c1', c1, '2')
    c2 = qdq('c2', qconv('c2', c1a, 'c1', W2, B2, 1, False))
    s = qdq('s', node('Add', [c1b, c2], 's_add'))
    m = qdq('m', node('Mul', [s, c1b], 'm_mul'))
    cat = qdq('cat', node('Concat', [s, m], 'cat_concat', axis=1))
    p = qdq('p', node('MaxPool', [cat], 'p_pool', kernel_shape=[2, 2],
                      strides=[2, 2]))
    c3 = qdq('c3', qconv('c3', p, 'p', W3, B3, 0, True))
    node('Identity', [c3], 'feat')
    g = qdq('g', node('GlobalAveragePool', [c3], 'g_gap'))
    f = qdq('f', node('Flatten', [g], 'f_flat'))
    wd, ws = dq_weight('mm', W4, 1)
    mm = node('MatMul', [f, wd], 'mm')
    bd = dq_bias('mm', B4, 'f', ws)
    y = node('Add', [mm, bd], 'y_add')
    s_, zp_ = act_params('y')[:2]
    yq = node('QuantizeLinear', [y, s_, zp_], 'y_q')
    node('DequantizeLinear', [yq, s_, zp_], 'y')


# --- QOperator -------------------------------------------------------------
MS = 'com.microsoft'


def qlinear_conv(k, xq, x_key, w, b, pad):
    xs, xz, xsv, _ = act_params(x_key)
    wq, ws, wz, wsv = weight(k, w, 0)
    bq = const(k + '_bq', bias(b, xsv, wsv)[0])
    ys, yz = act_params(k)[:2]
    return node('QLinearConv', [xq, xs, xz, wq, ws, wz, ys, yz, bq], k,
                pads=[pad] * 4)


def build_qop():
    xs, xz = act_params('x')[:2]
    xq = node('QuantizeLinear', ['x', xs, xz], 'xq')
    # ReLU is the output zero point's saturation (the range starts at 0).
    c1 = qlinear_conv('c1', xq, 'x', W1, B1, 1)
    c2 = qlinear_conv('c2', c1, 'c1', W2, B2, 1)
    p = lambda k: list(act_params(k)[:2])  # noqa: E731
    s = node('QLinearAdd', [c1] + p('c1') + [c2] + p('c2') + p('s'), 's',
             domain=MS)
    m = node('QLinearMul', [s] + p('s') + [c1] + p('c1') + p('m'), 'm',
             domain=MS)
    cat = node('QLinearConcat', p('cat') + [s] + p('s') + [m] + p('m'), 'cat',
               domain=MS, axis=1)
    pool = node('MaxPool', [cat], 'p', kernel_shape=[2, 2], strides=[2, 2])
    c3 = qlinear_conv('c3', pool, 'p', W3, B3, 0)
    node('DequantizeLinear', [c3] + p('c3'), 'feat')
    g = node('QLinearGlobalAveragePool', [c3] + p('c3') + p('g'), 'g',
             domain=MS, channels_last=0)
    f = node('Flatten', [g], 'f')
    wq, ws, wz, _ = weight('mm', W4, 1)
    mm = node('QLinearMatMul', [f] + p('f') + [wq, ws, wz] + p('mm'), 'mm')
    # The bias as a QLinearAdd of a quantized constant, as ONNX Runtime's
    # QOperator quantizer writes MatMul + Add.
    ranges['b4'] = (min(0.0, float(B4.min())), max(0.0, float(B4.max())))
    bs, bz, bsv, bzv = act_params('b4')
    b4q = np.clip(np.round(B4 / bsv) + bzv, QMIN, QMAX).astype(NP_ACT)
    bq = const('b4_q', b4q.reshape(1, 10))
    yq = node('QLinearAdd', [mm] + p('mm') + [bq, bs, bz] + p('y'), 'yq',
              domain=MS)
    node('DequantizeLinear', [yq] + p('y'), 'y')


if a.format == 'qdq':
    build_qdq()
else:
    ranges['mm'] = ranges['y']
    build_qop()

graph = helper.make_graph(
    nodes, 'prequantized_' + a.format,
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, X_SHAPE)],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, (1, 10)),
     helper.make_tensor_value_info('feat', TensorProto.FLOAT, (1, 16, 8, 8))],
    inits)
opsets = [helper.make_opsetid('', 13)]
if a.format == 'qop':
    opsets.append(helper.make_opsetid(MS, 1))
model = helper.make_model(graph, opset_imports=opsets)
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, a.out)
if a.input:
    np.save(a.input, np.random.default_rng(99).standard_normal(X_SHAPE)
            .astype(np.float32))
