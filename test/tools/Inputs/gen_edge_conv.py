"""Edge filters (3x3 weights that sum to 0) on a one-channel input with a
large common level: the case where rounding each weight to its nearest int8
level leaves a large output error (the errors' sum times the input level),
and data-aware rounding (GPTQ) does not (weight-rounding.test). Writes
OUT_DIR/m.onnx, calibration samples OUT_DIR/calib/NNN.npy and a held-out
input OUT_DIR/x.npy.
Usage: gen_edge_conv.py OUT_DIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(0)
w = rng.standard_normal((8, 1, 3, 3)).astype(np.float32)
w -= w.mean(axis=(1, 2, 3), keepdims=True)
w2 = rng.standard_normal((4, 8, 1, 1)).astype(np.float32) * 0.3
nodes = [
    helper.make_node('Conv', ['x', 'w'], ['e'], name='edges', pads=[1, 1, 1, 1]),
    helper.make_node('Relu', ['e'], ['r'], name='relu'),
    helper.make_node('Conv', ['r', 'w2'], ['y'], name='mix'),
]
graph = helper.make_graph(
    nodes, 'edge_conv',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 1, 16, 16])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 4, 16, 16])],
    [numpy_helper.from_array(w, 'w'), numpy_helper.from_array(w2, 'w2')])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
os.makedirs(os.path.join(out, 'calib'), exist_ok=True)
onnx.save(model, os.path.join(out, 'm.onnx'))


def sample():
    # A level of 4 to 6 with smooth variation and a little noise.
    yy, xx = np.mgrid[0:16, 0:16] / 16.0
    a, b, c = rng.uniform(-1, 1, 3)
    img = 5 + a * np.sin(3 * xx + b) + 0.5 * c * yy + 0.05 * rng.standard_normal((16, 16))
    return img.reshape(1, 1, 16, 16).astype(np.float32)


for i in range(8):
    np.save(os.path.join(out, 'calib', '%03d.npy' % i), sample())
np.save(os.path.join(out, 'x.npy'), sample())
