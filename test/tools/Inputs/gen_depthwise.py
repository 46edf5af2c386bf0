"""A convolution whose channels differ 64x in range, feeding a depthwise
convolution: the case channel equalization rescales (equalize-channels.test).
Usage: gen_depthwise.py OUT.onnx"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
w = rng.standard_normal((8, 3, 3, 3)).astype(np.float32)
w *= (2.0 ** -np.arange(8, dtype=np.float32) * 0.9).reshape(8, 1, 1, 1)
dw = rng.standard_normal((8, 1, 3, 3)).astype(np.float32)
nodes = [
    helper.make_node('Conv', ['x', 'w'], ['c'], name='stem', pads=[1, 1, 1, 1]),
    helper.make_node('Conv', ['c', 'dw'], ['y'], name='depthwise', group=8,
                     pads=[1, 1, 1, 1]),
]
graph = helper.make_graph(
    nodes, 'depthwise',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 16, 16])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 8, 16, 16])],
    [numpy_helper.from_array(w, 'w'), numpy_helper.from_array(dw, 'dw')])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.save(model, sys.argv[1])
