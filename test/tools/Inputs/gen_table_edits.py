"""A small CNN for calibration-table edits (table-edits.test): conv_a ->
relu_a (fused into conv_a's DPU task) -> conv_b -> add_res (+ relu_a) ->
sig (SHAVE) -> gap -> flat -> fc, with 4 calibration samples and an input.

Usage: gen_table_edits.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(os.path.join(out, 'calib'), exist_ok=True)
rng = np.random.default_rng(0)


def f(*shape):
    return (rng.standard_normal(shape) * 0.3).astype(np.float32)


inits = [nh.from_array(f(8, 3, 3, 3), 'W1'), nh.from_array(f(8), 'B1'),
         nh.from_array(f(8, 8, 3, 3), 'W2'), nh.from_array(f(8, 5), 'Wf')]
nodes = [h.make_node('Conv', ['x', 'W1', 'B1'], ['c1'], name='conv_a', pads=[1] * 4),
         h.make_node('Relu', ['c1'], ['r1'], name='relu_a'),
         h.make_node('Conv', ['r1', 'W2'], ['c2'], name='conv_b', pads=[1] * 4),
         h.make_node('Add', ['c2', 'r1'], ['s'], name='add_res'),
         h.make_node('Sigmoid', ['s'], ['sg'], name='sig'),
         h.make_node('GlobalAveragePool', ['sg'], ['g'], name='gap'),
         h.make_node('Flatten', ['g'], ['fl'], name='flat'),
         h.make_node('MatMul', ['fl', 'Wf'], ['logits'], name='fc')]
g = h.make_graph(nodes, 'edits', [h.make_tensor_value_info('x', T.FLOAT, [1, 3, 16, 16])],
                 [h.make_tensor_value_info('logits', T.FLOAT, [1, 5])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, 'edits.onnx'))
for i in range(4):
    np.save(os.path.join(out, 'calib', '%d.npy' % i), f(1, 3, 16, 16) / 0.3)
np.save(os.path.join(out, 'x.npy'), f(1, 3, 16, 16) / 0.3)

# pool.onnx: conv_p -> relu_p -> pool (MaxPool 2x2, keeps its input's int8
# parameters: its own range is not used) -> conv_q.
inits = [nh.from_array(f(8, 3, 3, 3), 'P1'), nh.from_array(f(8, 8, 3, 3), 'P2')]
nodes = [h.make_node('Conv', ['x', 'P1'], ['p1'], name='conv_p', pads=[1] * 4),
         h.make_node('Relu', ['p1'], ['pr'], name='relu_p'),
         h.make_node('MaxPool', ['pr'], ['pp'], name='pool', kernel_shape=[2, 2], strides=[2, 2]),
         h.make_node('Conv', ['pp', 'P2'], ['y'], name='conv_q', pads=[1] * 4)]
g = h.make_graph(nodes, 'pool', [h.make_tensor_value_info('x', T.FLOAT, [1, 3, 16, 16])],
                 [h.make_tensor_value_info('y', T.FLOAT, [1, 8, 8, 8])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, 'pool.onnx'))
