#!/usr/bin/env python3
"""Writes a QDQ model (ONNX Runtime's quantizer style: uint8 activations,
int8 per-tensor weights) and a seeded input:

    gen_qdq_cases.py OUT.onnx --input X.npy
                     --model data-movement|shave-grid|qlinear-ms|requantize|
                             compositions|matmul-chain

data-movement: data-movement ops between Q/DQ pairs. x [1, 4, 8, 8] ->
  Conv -> QDQ -> Slice (step -2 along W: four slices) -> QDQ -> Pad
  (reflect) -> QDQ -> Pad (constant 0.3) -> QDQ -> DepthToSpace -> QDQ ->
  SpaceToDepth -> QDQ -> Slice (backward, step -1 along W) -> QDQ -> Tile
  -> QDQ -> Conv -> QDQ -> y; x -> Conv (1 channel) -> QDQ -> Expand (to 8
  channels) -> QDQ -> e.
shave-grid: Q/DQ pairs between SHAVE ops that change the values (as ONNX
  Runtime runs them: rounded to the pair's grid, clamped to its int8
  range). x [1, 8, 6, 6] -> QDQ, then
    r = QDQ_u8(zp 0)(x * c)        a per-channel multiply whose ReLU the
                                   quantizer left to the pair's saturation;
    m = QDQ(3 * QDQ(+-0.5)(2 x))   a pair narrower than its values;
    s = QDQ(x * QDQ([0, 0.6])(sigmoid(x)))   SiLU, a narrow sigmoid pair;
    a = QDQ([-0.5, 0.5])(sigmoid(x) - 0.5)   a pair on a constant add only,
                                   which its producer takes for fusion: the
                                   sigmoid itself is not clamped to it.
qlinear-ms: ONNX Runtime's QOperator ops of the com.microsoft domain that
  its quantizer writes after convolutions: x [1, 4, 10, 10] ->
  QuantizeLinear -> QLinearSigmoid -> QLinearLeakyRelu (alpha 0.1) ->
  QLinearAveragePool (2x2, stride 2) -> DequantizeLinear -> y, and
  QLinearAveragePool (3x3, pads 1, padding not counted: the divisor varies
  at the borders) -> DequantizeLinear -> z.
requantize: a pair on a pair (DQ(a) -> Q(b): the second clamps to its range
  and rounds to its grid). x [1, 4, 8, 8] -> QDQ -> Conv -> QDQ (0.05) ->
  QDQ (0.01, zero point 100: [-1, 1.55]) -> y; the same with an Identity
  between the pairs -> i.
compositions: pairs whose readers would not see their grid if the tensor
  took the parameters. x [1, 4, 8, 8] -> QDQ (0.02) -> c = Conv (float
  output, also read by a pair) ->
    t = QDQ(0.01)(Transpose(QDQ(0.05)(c)))       a pair after data movement
    g = Sigmoid(QDQ(+-0.64)(Transpose(QDQ(0.05)(c))))   ... before SHAVE
    f = Conv(QDQ(0.005)(c))          a second pair on c (requantized)
    r = QDQ_u8(0.02, zp 0)(Relu(QDQ(0.005)(Conv)))   ReLU after a pair
    p = QDQ(0.002)(x)                a graph input's pair at an output
    s0, s1 = the QDQ(0.05) pairs of Split(QDQ(0.05)(Conv)) on channels.
matmul-chain: two 3-D MatMuls of constant weights with a ReLU between, as
  ONNX Runtime's quantizer writes a transformer MLP: x [1, 16, 8] -> QDQ ->
  MatMul (8x16) -> QDQ -> Relu -> QDQ (uint8, zero point 0) -> MatMul
  (16x8) -> QDQ -> y.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('--input', required=True)
ap.add_argument('--model', required=True,
                choices=['data-movement', 'shave-grid', 'qlinear-ms',
                         'requantize', 'compositions', 'matmul-chain'])
a = ap.parse_args()

rng = np.random.default_rng(11 if a.model == 'data-movement' else 7)
nodes, inits = [], []
count = [0]


def name(tag):
    count[0] += 1
    return '%s_%d' % (tag, count[0])


def const(value):
    n = name('c')
    inits.append(nh.from_array(np.asarray(value), n))
    return n


def node(op, ins, out=None, **attrs):
    out = out or name(op.lower())
    nodes.append(h.make_node(op, ins, [out], name=out, **attrs))
    return out


def qdq(t, scale, zero_point=128, out=None):
    s, z = const(np.float32(scale)), const(np.uint8(zero_point))
    return node('DequantizeLinear', [node('QuantizeLinear', [t, s, z]), s, z],
                out)


def conv(t, k, c, scale):
    w = rng.normal(0, 0.3, (k, c, 3, 3)).astype(np.float32)
    ws = float(np.abs(w).max() / 127)
    wq = np.clip(np.round(w / ws), -127, 127).astype(np.int8)
    wd = node('DequantizeLinear', [const(wq), const(np.float32(ws)),
                                   const(np.int8(0))])
    return qdq(node('Conv', [t, wd], pads=[1, 1, 1, 1]), scale)


def data_movement():
    x = qdq('x', 2 / 255)
    t = conv(x, 8, 4, 0.05)
    t = qdq(node('Slice', [t, const(np.int64([-1])), const(np.int64([-100])),
                           const(np.int64([3])), const(np.int64([-2]))]), 0.05)
    t = qdq(node('Pad', [t, const(np.int64([0, 0, 1, 1, 0, 0, 1, 1]))],
                 mode='reflect'), 0.05)
    t = qdq(node('Pad', [t, const(np.int64([0, 0, 1, 1, 0, 0, 1, 1])),
                         const(np.float32(0.3))]), 0.05)
    t = qdq(node('DepthToSpace', [t], blocksize=2), 0.05)
    t = qdq(node('SpaceToDepth', [t], blocksize=2), 0.05)
    t = qdq(node('Slice', [t, const(np.int64([-1])), const(np.int64([-100])),
                           const(np.int64([3])), const(np.int64([-1]))]), 0.05)
    t = qdq(node('Tile', [t, const(np.int64([1, 1, 1, 2]))]), 0.05)
    y = conv(t, 4, 8, 0.05)
    nodes.append(h.make_node('Identity', [y], ['y'], name='y'))
    e = qdq(node('Expand', [conv(x, 1, 4, 0.05), const(np.int64([1, 8, 8, 8]))]),
            0.05)
    nodes.append(h.make_node('Identity', [e], ['e'], name='e'))
    return [('y', [1, 4, 12, 16]), ('e', [1, 8, 8, 8])], [1, 4, 8, 8]


def shave_grid():
    x = qdq('x', 2 / 255, 128)
    channel = rng.uniform(0.5, 2, (1, 8, 1, 1)).astype(np.float32)
    qdq(node('Mul', [x, const(channel)]), 2 / 255, 0, 'r')
    m = qdq(node('Mul', [x, const(np.float32(2))]), 1 / 255, 128)
    qdq(node('Mul', [m, const(np.float32(3))]), 2 / 255, 128, 'm')
    s = qdq(node('Sigmoid', [x]), 0.6 / 255, 0)
    qdq(node('Mul', [x, s]), 1 / 255, 100, 's')
    g = node('Sigmoid', [x])
    qdq(node('Add', [g, const(np.float32(-0.5))]), 1 / 255, 128, 'a')
    return [(n, [1, 8, 6, 6]) for n in 'rmsa'], [1, 8, 6, 6]


def qlinear_ms():
    ms = {'domain': 'com.microsoft'}
    s1, z1 = const(np.float32(2 / 255)), const(np.uint8(128))
    s2, z2 = const(np.float32(1 / 255)), const(np.uint8(0))
    s3, z3 = const(np.float32(0.01)), const(np.uint8(100))
    q = node('QuantizeLinear', ['x', s1, z1])
    q = node('QLinearSigmoid', [q, s1, z1, s2, z2], **ms)
    q = node('QLinearLeakyRelu', [q, s2, z2, s3, z3], alpha=0.1, **ms)
    p = node('QLinearAveragePool', [q, s3, z3, s3, z3], kernel_shape=[2, 2],
             strides=[2, 2], **ms)
    node('DequantizeLinear', [p, s3, z3], 'y')
    p = node('QLinearAveragePool', [q, s3, z3, s3, z3], kernel_shape=[3, 3],
             pads=[1, 1, 1, 1], count_include_pad=0, **ms)
    node('DequantizeLinear', [p, s3, z3], 'z')
    return [('y', [1, 4, 5, 5]), ('z', [1, 4, 10, 10])], [1, 4, 10, 10]


def requantize():
    x = qdq('x', 2 / 255)
    qdq(conv(x, 8, 4, 0.05), 0.01, 100, 'y')
    qdq(node('Identity', [conv(x, 8, 4, 0.05)]), 0.01, 100, 'i')
    return [('y', [1, 8, 8, 8]), ('i', [1, 8, 8, 8])], [1, 4, 8, 8]


def plain_conv(t, k, c):
    w = rng.normal(0, 0.3, (k, c, 3, 3)).astype(np.float32)
    ws = float(np.abs(w).max() / 127)
    wq = np.clip(np.round(w / ws), -127, 127).astype(np.int8)
    wd = node('DequantizeLinear', [const(wq), const(np.float32(ws)),
                                   const(np.int8(0))])
    return node('Conv', [t, wd], pads=[1, 1, 1, 1])


def compositions():
    x = qdq('x', 0.02)
    c = plain_conv(x, 8, 4)
    nodes.append(h.make_node('Identity', [c], ['c'], name='c'))
    perm = dict(perm=[0, 1, 3, 2])
    qdq(node('Transpose', [qdq(c, 0.05)], **perm), 0.01, 128, 't')
    g = qdq(node('Transpose', [qdq(c, 0.05)], **perm), 0.005, 128)
    qdq(node('Sigmoid', [g]), 1 / 255, 0, 'g')
    qdq(plain_conv(qdq(c, 0.005), 8, 8), 0.05, 128, 'f')
    r = node('Relu', [qdq(plain_conv(x, 8, 4), 0.005)])
    qdq(r, 0.02, 0, 'r')
    qdq('x', 0.002, 128, 'p')
    parts = [name('split'), name('split')]
    nodes.append(h.make_node('Split', [qdq(plain_conv(x, 8, 4), 0.05)],
                             parts, name=parts[0], axis=1))
    qdq(parts[0], 0.05, 128, 's0')
    qdq(parts[1], 0.05, 128, 's1')
    full = [1, 8, 8, 8]
    return ([('c', full), ('t', full), ('g', full), ('f', full), ('r', full),
             ('p', [1, 4, 8, 8]), ('s0', [1, 4, 8, 8]), ('s1', [1, 4, 8, 8])],
            [1, 4, 8, 8])


def matmul_chain():
    def matmul(t, k, c):
        w = rng.normal(0, 0.3, (c, k)).astype(np.float32)
        ws = (np.abs(w).max(axis=0) / 127).astype(np.float32)
        wq = np.clip(np.round(w / ws), -127, 127).astype(np.int8)
        wd = node('DequantizeLinear', [const(wq), const(ws),
                                       const(np.zeros(k, np.int8))], axis=1)
        return node('MatMul', [t, wd])
    t = qdq(matmul(qdq('x', 2 / 255), 16, 8), 0.02, 128)
    t = qdq(node('Relu', [t]), 0.01, 0)
    qdq(matmul(t, 8, 16), 0.02, 128, 'y')
    return [('y', [1, 16, 8])], [1, 16, 8]


outputs, shape = {'data-movement': data_movement, 'shave-grid': shave_grid,
                  'qlinear-ms': qlinear_ms, 'requantize': requantize,
                  'compositions': compositions,
                  'matmul-chain': matmul_chain}[a.model]()
g = h.make_graph(nodes, a.model.replace('-', '_'),
                 [h.make_tensor_value_info('x', T.FLOAT, shape)],
                 [h.make_tensor_value_info(n, T.FLOAT, s) for n, s in outputs],
                 inits)
m = h.make_model(g, opset_imports=[h.make_opsetid('', 13),
                                   h.make_opsetid('com.microsoft', 1)])
m.ir_version = 8
if a.model != 'qlinear-ms':  # The checker knows no com.microsoft ops.
    onnx.checker.check_model(m, full_check=True)
onnx.save(m, a.out)
np.save(a.input, rng.uniform(-1, 1, shape).astype(np.float32))
