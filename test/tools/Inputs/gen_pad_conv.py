#!/usr/bin/env python3
"""A zero Pad before a convolution (tf2onnx's "same" padding), the
convolution named "c1", then a ReLU "c1_relu" and a second convolution
"c2". Writes OUT_DIR/pad_conv.onnx, OUT_DIR/x.npy (the test input) and
OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_pad_conv.py OUT_DIR"""
import os
import sys

import numpy as np
import onnx
from onnx import helper

from model_writer import Initializers, Nodes, save_model, save_samples

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(31)
inits = Initializers()
nodes = Nodes()
pads = inits.const('pads', np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))
xp = nodes.add('Pad', ['x', pads], 'Pad_2')
# Tensors "y1" and "r1": the calibration table names them after their nodes.
nodes.append(helper.make_node('Conv', [xp, inits.normal(rng, 'w1', (16, 8, 3, 3), 0.2)],
                              ['y1'], name='c1', kernel_shape=[3, 3]))
nodes.append(helper.make_node('Relu', ['y1'], ['r1'], name='c1_relu'))
nodes.append(helper.make_node('Conv', ['r1', inits.normal(rng, 'w2', (16, 16, 1, 1), 0.2)],
                              ['y'], name='c2', kernel_shape=[1, 1]))
graph = helper.make_graph(
    nodes, 'pad_conv',
    [helper.make_tensor_value_info('x', onnx.TensorProto.FLOAT, [1, 8, 16, 16])],
    [helper.make_tensor_value_info('y', onnx.TensorProto.FLOAT, [1, 16, 16, 16])], inits)
save_model(graph, os.path.join(out, 'pad_conv.onnx'), opset=13)
save_samples(out, rng, (1, 8, 16, 16))
