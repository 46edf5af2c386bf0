"""Layer forms exporters write that the DPU does not take as they are
(dpu-forms.test): `gemm.onnx`, Gemm with transA, with an [M, N] C and
beta 2, with an [M, 1] C and alpha 0.5, and with a computed C;
`conv.onnx`, convolutions padded by at least their kernel (PyTorch's
Conv2d(k=1, padding=1); a 3x3 padded 3 / 2; a dilated 3x3 padded 5 / 4).
Writes OUT_DIR/{gemm,conv}.onnx, OUT_DIR/{gemm,conv}/x.npy (the test
inputs) and OUT_DIR/{gemm,conv}/calib/N.npy (4 other samples each).
Usage: gen_gemm_conv_forms.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def gemm_model():
    inits = Initializers()
    w1 = inits.normal(rng, 'w1', (32, 48), 1 / 6)
    w2 = inits.normal(rng, 'w2', (24, 48), 1 / 7)
    c2 = inits.normal(rng, 'c2', (16, 24), 1.0)
    c3 = inits.normal(rng, 'c3', (16, 1), 1.0)
    nodes = [
        helper.make_node('Gemm', ['x', w1], ['g1'], name='g1', transA=1),
        helper.make_node('Gemm', ['g1', w2, c2], ['g2'], name='g2', transB=1, beta=2.0),
        helper.make_node('Gemm', ['g1', w2, c3], ['g3'], name='g3', transB=1, alpha=0.5),
        helper.make_node('Relu', ['g2'], ['r'], name='r'),
        helper.make_node('Gemm', ['g1', w2, 'r'], ['g4'], name='g4', transB=1),
    ]
    graph = helper.make_graph(
        nodes, 'gemm_forms', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [32, 16])],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [16, 24]) for n in ('g3', 'g4')],
        inits)
    save_model(graph, os.path.join(out, 'gemm.onnx'))
    save_samples(os.path.join(out, 'gemm'), rng, (32, 16))


def conv_model():
    inits = Initializers()
    nodes = []

    def conv(name, x, cin, cout, k, pads, dilation=1):
        w = inits.normal(rng, name + '_w', (cout, cin, k, k), 1 / np.sqrt(cin * k * k))
        b = inits.normal(rng, name + '_b', (cout,), 0.1)
        nodes.append(helper.make_node('Conv', [x, w, b], [name], name=name, pads=pads,
                                      kernel_shape=[k, k], dilations=[dilation, dilation]))

    conv('c1', 'x', 8, 16, 1, [1, 1, 1, 1])
    conv('c2', 'c1', 16, 16, 3, [3, 2, 2, 3])
    conv('c3', 'c2', 16, 8, 3, [5, 5, 4, 4], dilation=2)
    graph = helper.make_graph(
        nodes, 'conv_pads', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 8, 20, 24])],
        [helper.make_tensor_value_info('c3', TensorProto.FLOAT, [1, 8, 30, 34])], inits)
    save_model(graph, os.path.join(out, 'conv.onnx'))
    save_samples(os.path.join(out, 'conv'), rng, (1, 8, 20, 24))


gemm_model()
conv_model()
