"""A YOLOv8-style C2f block and SPPF on a [1, 16, 32, 32] input: a 3x3
convolution with SiLU to 32 channels, split into two halves of 16, two
bottlenecks with their shortcuts on the second half, the four parts
concatenated (64 channels), a 1x1 convolution with SiLU to 32, then SPPF:
three 5x5 max pools in a row, the four maps concatenated and a 1x1
convolution (output `y`). Also a concatenation of two convolutions of the
input whose ranges differ about tenfold, read by a 1x1 convolution
(output `wide_y`): too far apart to share one int8 range. Writes OUT_DIR/joins.onnx, OUT_DIR/x.npy (the test
input) and OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_channel_joins.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
inits = Initializers()
nodes = []


def conv(name, x, cin, cout, k, scale=1.0):
    w = inits.normal(rng, name + '.w', (cout, cin, k, k), scale / np.sqrt(cin * k * k))
    b = inits.const(name + '.b', (0.1 * rng.standard_normal(cout)).astype(np.float32))
    nodes.append(helper.make_node('Conv', [x, w, b], [name], name=name,
                                  pads=[k // 2] * 4, kernel_shape=[k, k]))
    return name


def silu(x):
    nodes.append(helper.make_node('Sigmoid', [x], [x + '.sig'], name=x + '.sig'))
    nodes.append(helper.make_node('Mul', [x, x + '.sig'], [x + '.silu'], name=x + '.silu'))
    return x + '.silu'


a = silu(conv('cv1', 'x', 16, 32, 3))
inits.const('halves', np.array([16, 16], np.int64))
nodes.append(helper.make_node('Split', [a, 'halves'], ['s1', 's2'], name='split', axis=1))
b1 = silu(conv('m0.cv2', silu(conv('m0.cv1', 's2', 16, 16, 3)), 16, 16, 3))
nodes.append(helper.make_node('Add', ['s2', b1], ['m0'], name='m0'))
b2 = silu(conv('m1.cv2', silu(conv('m1.cv1', 'm0', 16, 16, 3)), 16, 16, 3))
nodes.append(helper.make_node('Add', ['m0', b2], ['m1'], name='m1'))
nodes.append(helper.make_node('Concat', ['s1', 's2', 'm0', 'm1'], ['c2f'], name='c2f', axis=1))
d = silu(conv('cv2', 'c2f', 64, 32, 1))
pools = [d]
for i in range(3):
    nodes.append(helper.make_node('MaxPool', [pools[-1]], ['pool%d' % i], name='pool%d' % i,
                                  kernel_shape=[5, 5], pads=[2, 2, 2, 2]))
    pools.append('pool%d' % i)
nodes.append(helper.make_node('Concat', pools, ['sppf'], name='sppf', axis=1))
conv('y', 'sppf', 128, 32, 1)
narrow = conv('narrow', 'x', 16, 16, 1)
broad = conv('broad', 'x', 16, 16, 1, scale=10.0)
nodes.append(helper.make_node('Concat', [narrow, broad], ['wide'], name='wide', axis=1))
conv('wide_y', 'wide', 32, 32, 1)

graph = helper.make_graph(
    nodes, 'channel_joins',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 16, 32, 32])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 32, 32, 32]),
     helper.make_tensor_value_info('wide_y', TensorProto.FLOAT, [1, 32, 32, 32])],
    inits)
save_model(graph, os.path.join(out, 'joins.onnx'))
save_samples(out, rng, (1, 16, 32, 32))
