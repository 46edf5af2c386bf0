#!/usr/bin/env python3
"""Writes a small dynamically quantized model, as ONNX Runtime's
quantize_dynamic does.

    gen_dynquant.py OUT.onnx --net cnn|mlp --weights int8|uint8
                    --wq per-tensor|per-channel [--static-act]
                    [--input X.npy] [--reference REF.onnx]
    gen_dynquant.py OUT.onnx --net dq-only|const|q-output|unscaled
                    [--input X.npy]

Every layer is
  x (float) -> DynamicQuantizeLinear -> (x_q uint8, x_scale, x_zp)
  ConvInteger / MatMulInteger(x_q, w_q, x_zp, w_zp) -> Cast(float)
  -> Mul(Mul(x_scale, w_scale)) -> Add(bias) [-> Relu]
with constant weights w_q quantized from random float weights (fixed seed):
  int8: symmetric (zero point 0, scale max|w| / 63: 7 bits), as
        quantize_dynamic's QInt8 weights with reduce_range. ONNX Runtime's
        uint8 x int8 kernels on x86 CPUs without VNNI (AVX2's vpmaddubsw)
        add pairs of products in saturating int16: with 7-bit weights no
        pair saturates, so ONNX Runtime, the oracle, computes these models
        exactly on every host (with 8 bits it does not on an AVX2 host);
  uint8: asymmetric (the zero point of the weights' min-max range), as its
        QUInt8 weights;
per output channel (w_zp and w_scale of K values) or per tensor.

  cnn: x [1,3,16,16]: ConvInteger 3x3 (8 channels) + ReLU, ConvInteger 3x3
       stride 2 (16 channels) + ReLU (output `feat`), GlobalAveragePool,
       Flatten, MatMulInteger to 10 (output `y`);
  mlp: x [4,32]: MatMulInteger to 64 + ReLU, MatMulInteger to 10 (`y`).

The edge cases (x [1, 4, 8, 8]; const: [2, 3]):
  dq-only:   x -> DynamicQuantizeLinear -> DequantizeLinear -> Relu (y), and
             the scale added to it (y2) and returned (s): the pair is x
             (calibrated), the scale computed in float on the device;
  const:     MatMulInteger of constant uint8 / int8 inputs, cast to float,
             scaled and added to x (y): folded to a constant;
  q-output:  DynamicQuantizeLinear's quantized tensor is a graph output;
  unscaled:  ConvInteger of DynamicQuantizeLinear's output, cast to float but
             not multiplied by the scales (y).

--static-act quantizes the input of the last layer with a QuantizeLinear of
constant scale and zero point (of the tensor's range on samples, computed
here with NumPy) instead of DynamicQuantizeLinear.

--input writes a test input (another seed). --reference writes the same
model with every integer op written as its float equivalent
(DequantizeLinear of the quantized activation and of the weights, float
Conv / MatMul): ONNX Runtime's CPU kernels have no ConvInteger with int8
weights or per-channel zero points, so its results are compared on this
model, which computes the same quantized arithmetic in float.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ap = argparse.ArgumentParser()
ap.add_argument('out')
EDGE_CASES = ['dq-only', 'const', 'q-output', 'unscaled']
ap.add_argument('--net', choices=['cnn', 'mlp'] + EDGE_CASES, default='cnn')
ap.add_argument('--weights', choices=['int8', 'uint8'], default='int8')
ap.add_argument('--wq', choices=['per-tensor', 'per-channel'],
                default='per-tensor')
ap.add_argument('--static-act', action='store_true')
ap.add_argument('--input')
ap.add_argument('--reference')
a = ap.parse_args()

rng = np.random.default_rng(5)
F = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)  # noqa: E731


def save_model(nodes, inputs, outputs, inits, path):
    graph = helper.make_graph(nodes, 'dynquant_' + a.net, inputs, outputs,
                              inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def save_input(shape):
    if a.input:
        np.save(a.input, np.random.default_rng(99).standard_normal(shape)
                .astype(np.float32))


def edge_case():
    """The edge cases' (nodes, outputs, initializers, input shape)."""
    shape = (2, 3) if a.net == 'const' else (1, 4, 8, 8)
    dql = helper.make_node('DynamicQuantizeLinear', ['x'], ['q', 's', 'z'],
                           name='dql')
    dq = helper.make_node('DequantizeLinear', ['q', 's', 'z'], ['d'],
                          name='dq')
    relu = helper.make_node('Relu', ['d'], ['y'], name='relu')
    if a.net == 'dq-only':
        add = helper.make_node('Add', ['y', 's'], ['y2'], name='add_scale')
        return [dql, dq, relu, add], [F('y', shape), F('y2', shape),
                                      F('s', ())], [], shape
    if a.net == 'q-output':
        return [dql, dq, relu], [F('y', shape), helper.make_tensor_value_info(
            'q', TensorProto.UINT8, shape)], [], shape
    if a.net == 'unscaled':
        return [dql,
                helper.make_node('ConvInteger', ['q', 'w', 'z'], ['c'],
                                 name='convint'),
                helper.make_node('Cast', ['c'], ['y'], name='cast',
                                 to=TensorProto.FLOAT)], [F('y', shape)], \
            [numpy_helper.from_array(np.ones((4, 4, 1, 1), np.int8), 'w')], \
            shape
    r = np.random.default_rng(3)
    inits = [(r.integers(0, 255, (2, 4), dtype=np.uint8), 'a'),
             (r.integers(-127, 127, (4, 3), dtype=np.int8), 'b'),
             (np.array(120, np.uint8), 'azp'),
             (np.array([1, -2, 0], np.int8), 'bzp'),
             (np.array(1e-4, np.float32), 'scale')]
    nodes = [helper.make_node('MatMulInteger', ['a', 'b', 'azp', 'bzp'],
                              ['p'], name='mmint'),
             helper.make_node('Cast', ['p'], ['pf'], name='cast',
                              to=TensorProto.FLOAT),
             helper.make_node('Mul', ['pf', 'scale'], ['ps'], name='mul'),
             helper.make_node('Add', ['x', 'ps'], ['y'], name='add')]
    return nodes, [F('y', shape)], \
        [numpy_helper.from_array(v, n) for v, n in inits], shape


if a.net in EDGE_CASES:
    nodes, outputs, inits, shape = edge_case()
    save_model(nodes, [F('x', shape)], outputs, inits, a.out)
    save_input(shape)
    raise SystemExit(0)


def rand(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


if a.net == 'cnn':
    X_SHAPE = (1, 3, 16, 16)
    LAYERS = [  # (kind, weight, bias, attrs, relu)
        ('conv', rand(8, 3, 3, 3, scale=0.4), rand(8, scale=0.1),
         dict(pads=[1, 1, 1, 1]), True),
        ('conv', rand(16, 8, 3, 3, scale=0.15), rand(16, scale=0.1),
         dict(pads=[1, 1, 1, 1], strides=[2, 2]), True),
        ('matmul', rand(16, 10, scale=0.4), rand(10, scale=0.1), {}, False),
    ]
else:
    X_SHAPE = (4, 32)
    LAYERS = [
        ('matmul', rand(32, 64, scale=0.2), rand(64, scale=0.1), {}, True),
        ('matmul', rand(64, 10, scale=0.15), rand(10, scale=0.1), {}, False),
    ]


def quantize_weight(w, axis):
    """(q, zero point, scale) of w, per tensor or per channel along axis."""
    other = tuple(d for d in range(w.ndim) if d != axis)
    keep = a.wq == 'per-channel'
    lo = np.minimum(w.min(axis=other if keep else None, keepdims=True), 0)
    hi = np.maximum(w.max(axis=other if keep else None, keepdims=True), 0)
    if a.weights == 'int8':
        s = np.maximum(-lo, hi) / 63.0
        zp = np.zeros_like(s)
        q = np.clip(np.round(w / s), -63, 63).astype(np.int8)
        zp = zp.astype(np.int8)
    else:
        s = (hi - lo) / 255.0
        zp = np.clip(np.round(-lo / s), 0, 255)
        q = np.clip(np.round(w / s) + zp, 0, 255).astype(np.uint8)
        zp = zp.astype(np.uint8)
    return q, zp.reshape(-1) if keep else zp.reshape(()), \
        s.astype(np.float32).reshape(-1) if keep else \
        s.astype(np.float32).reshape(())


def forward(x):
    """Float activations of every layer's input, for --static-act ranges."""
    ins = []
    for kind, w, b, attrs, relu in LAYERS:
        ins.append(x)
        if kind == 'conv':
            from numpy.lib.stride_tricks import sliding_window_view
            p = attrs['pads'][0]
            st = attrs.get('strides', [1, 1])[0]
            xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))
            x = np.einsum('nchwij,kcij->nkhw', win[:, :, ::st, ::st], w) + \
                b[None, :, None, None]
        else:
            x = x @ w + b
        if relu:
            x = np.maximum(x, 0)
        if kind == 'conv' and LAYERS[len(ins)][0] == 'matmul':
            x = x.mean(axis=(2, 3))
    return ins


inits, nodes, ref_nodes = [], [], []


def const(name, value):
    inits.append(numpy_helper.from_array(np.asarray(value), name))
    return name


def node(op, ins, outs, name, both=True, **attrs):
    n = helper.make_node(op, ins, outs, name=name, **attrs)
    nodes.append(n)
    if both:
        ref_nodes.append(n)
    return outs[0]


def ref_node(op, ins, outs, name, **attrs):
    ref_nodes.append(helper.make_node(op, ins, outs, name=name, **attrs))
    return outs[0]


static_range = None
if a.static_act:
    lo, hi = 0.0, 0.0
    for _ in range(8):
        v = forward(rand(*X_SHAPE))[-1]
        lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
    static_range = (lo, hi)

x = 'x'
for i, (kind, w, b, attrs, relu) in enumerate(LAYERS):
    k = 'l%d' % i
    axis = 0 if kind == 'conv' else 1
    if a.static_act and i == len(LAYERS) - 1:
        lo, hi = static_range
        s = np.float32((hi - lo) / 255.0)
        zp = np.uint8(np.clip(np.round(-lo / s), 0, 255))
        xs, xz = const(k + '_x_scale', s), const(k + '_x_zp', zp)
        xq = node('QuantizeLinear', [x, xs, xz], [k + '_xq'], k + '_quant')
    else:
        xq, xs, xz = k + '_xq', k + '_x_scale', k + '_x_zp'
        node('DynamicQuantizeLinear', [x], [xq, xs, xz], k + '_dql')
    q, zp, s = quantize_weight(w, axis)
    wq, wz = const(k + '_wq', q), const(k + '_wzp', zp)
    # The scales multiply the output: per output channel along axis 1 of a
    # convolution's NCHW output, along the last axis of a matmul's.
    ws = const(k + '_wscale', s.reshape(-1, 1, 1) if kind == 'conv' and
               s.ndim else s)
    op = 'ConvInteger' if kind == 'conv' else 'MatMulInteger'
    acc = node(op, [xq, wq, xz, wz], [k + '_int'], k + '_quant_op',
               both=False, **attrs)
    node('Cast', [acc], [k + '_cast'], k + '_cast', both=False,
         to=TensorProto.FLOAT)
    scales = node('Mul', [xs, ws], [k + '_scales'], k + '_scales_mul')
    y = node('Mul', [k + '_cast', scales], [k + '_scaled'], k + '_out_mul',
             both=False)
    # The reference: the same arithmetic in float.
    xd = ref_node('DequantizeLinear', [xq, xs, xz], [k + '_xd'], k + '_xdq')
    wd = ref_node('DequantizeLinear', [wq, ws + '_1d', wz], [k + '_wd'],
                  k + '_wdq', **({'axis': axis} if s.ndim else {}))
    ref_node('Conv' if kind == 'conv' else 'MatMul', [xd, wd], [y],
             k + '_float_op', **attrs)
    const(ws + '_1d', s)
    if kind == 'conv':
        bias = node('Reshape', [const(k + '_b', b),
                                const(k + '_bshape',
                                      np.array([1, -1, 1, 1], np.int64))],
                    [k + '_b_reshaped'], k + '_b_reshape')
    else:
        bias = const(k + '_b', b)
    last = i == len(LAYERS) - 1
    y = node('Add', [y, bias], ['y' if last and not relu else k + '_biased'],
             k + '_bias_add')
    if relu:
        y = node('Relu', [y], ['feat' if kind == 'conv' and
                               LAYERS[i + 1][0] == 'matmul' else
                               k + '_relu'], k + '_relu')
    if kind == 'conv' and LAYERS[i + 1][0] == 'matmul':
        y = node('GlobalAveragePool', [y], ['gap'], 'gap')
        y = node('Flatten', [y], ['flat'], 'flatten')
    x = y

outputs = [F('y', (X_SHAPE[0] if a.net == 'mlp' else 1, 10))]
if a.net == 'cnn':
    outputs.append(F('feat', (1, 16, 8, 8)))
inputs = [F('x', X_SHAPE)]


def save(ns, path):
    used = {i for n in ns for i in n.input}
    save_model(ns, inputs, outputs, [t for t in inits if t.name in used],
               path)


save(nodes, a.out)
if a.reference:
    save(ref_nodes, a.reference)
save_input(X_SHAPE)
