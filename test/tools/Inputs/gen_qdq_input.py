"""A QDQ 3x3 convolution (input pair 0.02, per-tensor int8 weights, output
pair 0.05) of a 1x16x16x16 input with values N(0, 1.2^2): about 1 % of the
input values lie within a float16 step of a rounding boundary of the input
pair, where a float16 conversion before the quantize rounds them to the
other code. Writes OUT_DIR/q.onnx and OUT_DIR/x.npy.
Usage: gen_qdq_input.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from model_writer import save_model

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
w = (rng.standard_normal((16, 16, 3, 3)) * 0.1).astype(np.float32)
ws = np.float32(np.abs(w).max() / 127)
inits = [
    numpy_helper.from_array(np.array(0.02, np.float32), 'xs'),
    numpy_helper.from_array(np.array(0, np.int8), 'xz'),
    numpy_helper.from_array(np.clip(np.round(w / ws), -127, 127).astype(np.int8), 'wq'),
    numpy_helper.from_array(np.array(ws, np.float32), 'ws'),
    numpy_helper.from_array(np.array(0, np.int8), 'wz'),
    numpy_helper.from_array(np.array(0.05, np.float32), 'ys'),
    numpy_helper.from_array(np.array(0, np.int8), 'yz'),
]
nodes = [
    helper.make_node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq'], name='x_q'),
    helper.make_node('DequantizeLinear', ['xq', 'xs', 'xz'], ['xd'], name='x_dq'),
    helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd'], name='w_dq'),
    helper.make_node('Conv', ['xd', 'wd'], ['c'], name='conv', pads=[1, 1, 1, 1]),
    helper.make_node('QuantizeLinear', ['c', 'ys', 'yz'], ['cq'], name='c_q'),
    helper.make_node('DequantizeLinear', ['cq', 'ys', 'yz'], ['y'], name='c_dq'),
]
graph = helper.make_graph(
    nodes, 'qdq_input',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 16, 16, 16])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 16, 16, 16])], inits)
save_model(graph, os.path.join(out, 'q.onnx'), opset=13)
np.save(os.path.join(out, 'x.npy'),
        (rng.standard_normal((1, 16, 16, 16)) * 1.2).astype(np.float32))
