#!/usr/bin/python3
"""Writes a dynamically quantized CNN (what onnxruntime's quantize_dynamic
makes of a float model): every layer quantizes its float input with
DynamicQuantizeLinear, runs ConvInteger / MatMulInteger on uint8 operands
with zero points, and dequantizes the int32 result (Cast, Mul by the two
scales, Add bias, Relu). Layers: 3x3 stride-2 stem, 3x3, depthwise 3x3
stride 2, 1x1, 3x3 with K = 576 (more than one exact float block), and a
MatMulInteger over the pixels.

usage: make_quantized.py OUT.onnx [SIZE]   (input 1x3xSIZExSIZE, default 1024)
Run with /usr/bin/python3 (needs onnx and numpy)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# out channels, kernel, stride, group (0: depthwise)
CONVS = [(16, 3, 2, 1), (32, 3, 1, 1), (32, 3, 2, 0), (64, 1, 1, 1),
         (64, 3, 1, 1)]
MATMUL_COLS = 128


def quantize_weights(w):
    """Asymmetric uint8 quantization over the whole tensor."""
    lo, hi = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
    scale = (hi - lo) / 255.0
    zp = int(np.clip(np.round(-lo / scale), 0, 255))
    q = np.clip(np.round(w / scale) + zp, 0, 255).astype(np.uint8)
    return q, np.float32(scale), np.uint8(zp)


class Builder:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op, ins, outs, **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, **attrs))
        return outs[0]

    def dequantize(self, i, acc, xs, ws, bias, channel_shape):
        f = self.node('Cast', [acc], ['f%d' % i], to=TensorProto.FLOAT)
        s = self.node('Mul', [xs, ws], ['s%d' % i])
        y = self.node('Mul', [f, s], ['d%d' % i])
        b = self.const('b%d' % i, bias.reshape(channel_shape))
        y = self.node('Add', [y, b], ['a%d' % i])
        return self.node('Relu', [y], ['r%d' % i])


def model(size, rng):
    g = Builder()
    x, cin = 'x', 3
    for i, (cout, k, stride, group) in enumerate(CONVS):
        group = cin if group == 0 else group
        w = rng.standard_normal((cout, cin // group, k, k)).astype(np.float32)
        w *= 1.0 / np.sqrt(w[0].size)
        wq, ws, wzp = quantize_weights(w)
        xq, xs, xzp = ['q%d' % i, 'qs%d' % i, 'qz%d' % i]
        g.node('DynamicQuantizeLinear', [x], [xq, xs, xzp])
        acc = g.node('ConvInteger',
                     [xq, g.const('w%d' % i, wq), xzp, g.const('wz%d' % i, wzp)],
                     ['c%d' % i], kernel_shape=[k, k], strides=[stride] * 2,
                     pads=[k // 2] * 4, group=group)
        bias = rng.standard_normal(cout).astype(np.float32) * 0.1
        x = g.dequantize(i, acc, xs, g.const('ws%d' % i, ws), bias,
                         (1, cout, 1, 1))
        cin = cout
    # Pixels x channels times a weight matrix: [1, HW, C] x [C, COLS].
    i = len(CONVS)
    flat = g.node('Reshape', [x, g.const('shape', np.array([1, cin, -1]))],
                  ['flat'])
    rows = g.node('Transpose', [flat], ['rows'], perm=[0, 2, 1])
    w = rng.standard_normal((cin, MATMUL_COLS)).astype(np.float32) / 8
    wq, ws, wzp = quantize_weights(w)
    g.node('DynamicQuantizeLinear', [rows], ['mq', 'ms', 'mz'])
    acc = g.node('MatMulInteger', ['mq', g.const('mw', wq), 'mz',
                                   g.const('mwz', wzp)], ['mm'])
    bias = rng.standard_normal(MATMUL_COLS).astype(np.float32) * 0.1
    y = g.dequantize(i, acc, 'ms', g.const('mws', ws), bias, (MATMUL_COLS,))
    g.nodes[-1].output[0] = 'y'
    graph = helper.make_graph(
        g.nodes, 'dynamic_quantized_cnn',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT,
                                       [1, 3, size, size])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT,
                                       [1, (size // 4)**2, MATMUL_COLS])],
        g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    onnx.checker.check_model(m)
    return m


def main():
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    onnx.save(model(size, np.random.default_rng(1234)), sys.argv[1])


if __name__ == '__main__':
    main()
