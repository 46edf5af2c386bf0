#!/usr/bin/env python3
"""A zero Pad before a convolution (tf2onnx's "same" padding), the
convolution named "c1", then a ReLU "c1_relu" and a second convolution
"c2"; a test input and calibration samples.

    gen_pad_conv.py MODEL.onnx --input X.npy --calib DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build():
    rng = np.random.default_rng(31)
    inits = [
        numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), 'pads'),
        numpy_helper.from_array((0.2 * rng.standard_normal((16, 8, 3, 3))).astype(np.float32), 'w1'),
        numpy_helper.from_array((0.2 * rng.standard_normal((16, 16, 1, 1))).astype(np.float32), 'w2'),
    ]
    nodes = [
        helper.make_node('Pad', ['x', 'pads'], ['xp'], name='Pad_2'),
        helper.make_node('Conv', ['xp', 'w1'], ['y1'], name='c1', kernel_shape=[3, 3]),
        helper.make_node('Relu', ['y1'], ['r1'], name='c1_relu'),
        helper.make_node('Conv', ['r1', 'w2'], ['y'], name='c2', kernel_shape=[1, 1]),
    ]
    graph = helper.make_graph(
        nodes, 'pad_conv',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 8, 16, 16])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 16, 16, 16])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)],
                              producer_name='gen_pad_conv')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('model')
    ap.add_argument('--input', required=True)
    ap.add_argument('--calib', required=True)
    a = ap.parse_args()
    onnx.save(build(), a.model)
    rng = np.random.default_rng(8)
    np.save(a.input, rng.standard_normal((1, 8, 16, 16)).astype(np.float32))
    os.makedirs(a.calib, exist_ok=True)
    for i in range(4):
        np.save(os.path.join(a.calib, 'sample%d.npy' % i),
                rng.standard_normal((1, 8, 16, 16)).astype(np.float32))


if __name__ == '__main__':
    main()
