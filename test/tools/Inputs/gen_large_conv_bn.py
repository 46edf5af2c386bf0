"""A 3x3 convolution of 384 -> 384 channels (1.3 M weights, more than the
constant evaluator's default 2^20 elements) followed by a
BatchNormalization node (batchnorm-large-conv.test). Writes
OUT_DIR/m.onnx and OUT_DIR/x.npy.
Usage: gen_large_conv_bn.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

from model_writer import Initializers, save_model

C = 384
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
inits = Initializers()
inits.normal(rng, 'w', (C, C, 3, 3), np.sqrt(2 / (9 * C)))
inits.const('g', rng.uniform(0.5, 1.5, C).astype(np.float32))
inits.const('b', (0.1 * rng.standard_normal(C)).astype(np.float32))
inits.const('m', (0.1 * rng.standard_normal(C)).astype(np.float32))
inits.const('v', rng.uniform(0.5, 2, C).astype(np.float32))
nodes = [helper.make_node('Conv', ['x', 'w'], ['c'], name='conv', kernel_shape=[3, 3],
                          pads=[1, 1, 1, 1]),
         helper.make_node('BatchNormalization', ['c', 'g', 'b', 'm', 'v'], ['y'], name='bn')]
graph = helper.make_graph(nodes, 'conv_bn',
                          [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, C, 16, 16])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, C, 16, 16])],
                          inits)
save_model(graph, os.path.join(out, 'm.onnx'))
np.save(os.path.join(out, 'x.npy'), rng.standard_normal((1, C, 16, 16)).astype(np.float32))
