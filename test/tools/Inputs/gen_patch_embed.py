"""A ViT's patch embedding: a 16x16 convolution of stride 16 (kernel and
stride beyond the DPU's) over a 1x3x290x288 image, 18 x 18 = 324 output
pixels (more than the per-pixel unfolding's 256; the last two rows are
not covered by a patch), 3 -> 48 channels, then a ReLU
(patch-embed.test). Writes OUT_DIR/m.onnx, OUT_DIR/x.npy and
OUT_DIR/calib/NNN.npy.
Usage: gen_patch_embed.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
inits = Initializers()
inits.normal(rng, 'w', (48, 3, 16, 16), 1 / np.sqrt(3 * 256))
inits.normal(rng, 'b', (48,), 0.1)
nodes = [helper.make_node('Conv', ['x', 'w', 'b'], ['p'], name='patch_embed',
                          kernel_shape=[16, 16], strides=[16, 16]),
         helper.make_node('Relu', ['p'], ['y'], name='act')]
graph = helper.make_graph(nodes, 'patch_embed',
                          [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 290, 288])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 48, 18, 18])],
                          inits)
save_model(graph, os.path.join(out, 'm.onnx'))
save_samples(out, rng, (1, 3, 290, 288))
