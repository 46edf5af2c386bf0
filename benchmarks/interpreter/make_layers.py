#!/usr/bin/python3
"""Writes single-layer ONNX models (random weights, fixed seed) for the
interpreter benchmark: the layer shapes that dominate ppocrv4_det and
common CNNs. usage: make_layers.py OUT_DIR; prints "name input_shape" per
model. Run with /usr/bin/python3 (needs onnx and numpy)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name, input NCHW, out channels, kernel, stride, pad, group, transposed,
# then elementwise-only layers.
LAYERS = [
    ('conv3x3_64to64_160', (1, 64, 160, 160), 64, 3, 1, 1, 1, False),
    ('conv3x3_96to24_160', (1, 96, 160, 160), 24, 3, 1, 1, 1, False),
    ('conv3x3s2_3to16_640', (1, 3, 640, 640), 16, 3, 2, 1, 1, False),
    ('conv1x1_48to48_160', (1, 48, 160, 160), 48, 1, 1, 0, 1, False),
    ('conv1x1_384to384_20', (1, 384, 20, 20), 384, 1, 1, 0, 1, False),
    ('dwconv3x3_48_160', (1, 48, 160, 160), 48, 3, 1, 1, 48, False),
    ('dwconv3x3s2_96_160', (1, 96, 160, 160), 96, 3, 2, 1, 96, False),
    ('dwconv5x5_192_40', (1, 192, 40, 40), 192, 5, 1, 2, 192, False),
    ('convT2x2s2_24to24_160', (1, 24, 160, 160), 24, 2, 2, 0, 1, True),
]


def conv_model(name, shape, cout, k, s, p, group, transposed, rng):
    cin = shape[1]
    if transposed:
        w = rng.standard_normal((cin, cout // group, k, k)).astype(np.float32)
        node = helper.make_node('ConvTranspose', ['x', 'w', 'b'], ['y'],
                                kernel_shape=[k, k], strides=[s, s],
                                pads=[p] * 4, group=group)
    else:
        w = rng.standard_normal((cout, cin // group, k, k)).astype(np.float32)
        node = helper.make_node('Conv', ['x', 'w', 'b'], ['y'],
                                kernel_shape=[k, k], strides=[s, s],
                                pads=[p] * 4, group=group)
    w *= 1.0 / np.sqrt(w[0].size)
    b = rng.standard_normal((cout,)).astype(np.float32)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)],
        [numpy_helper.from_array(w, 'w'), numpy_helper.from_array(b, 'b')])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])


def hardswish_chain_model(shape):
    """x * clip(x + 3, 0, 6) / 6 as ONNX exporters write it."""
    c = lambda n, v: numpy_helper.from_array(np.array(v, np.float32), n)
    nodes = [
        helper.make_node('Add', ['x', 'three'], ['a']),
        helper.make_node('Clip', ['a', 'zero', 'six'], ['b']),
        helper.make_node('Mul', ['x', 'b'], ['m']),
        helper.make_node('Div', ['m', 'six'], ['y']),
    ]
    graph = helper.make_graph(
        nodes, 'hardswish_chain',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)],
        [c('three', 3.0), c('zero', 0.0), c('six', 6.0)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1234)
    for (name, shape, cout, k, s, p, g, tr) in LAYERS:
        onnx.save(conv_model(name, shape, cout, k, s, p, g, tr, rng),
                  os.path.join(out, name + '.onnx'))
        print(name, ','.join(map(str, shape)))
    shape = (1, 96, 160, 160)
    onnx.save(hardswish_chain_model(shape),
              os.path.join(out, 'hardswish_chain_96_160.onnx'))
    print('hardswish_chain_96_160', ','.join(map(str, shape)))


if __name__ == '__main__':
    main()
