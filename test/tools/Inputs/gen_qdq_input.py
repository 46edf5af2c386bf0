"""QDQ 3x3 convolutions of a float input (per-tensor int8 weights, output
pair 0.05):
- `q.onnx`: a 1x16x16x16 NCHW input, pair int8 0.02, values N(0, 1.2^2):
  about 1 % of them lie within a float16 step of a rounding boundary of the
  pair, where a float16 conversion before the quantize rounds them to the
  other code; OUT_DIR/x.npy;
- `nhwc.onnx`: a 1x16x16x16 NHWC input with its uint8 pair (scale 1, zero
  point 0: pixels) before the Transpose to NCHW, as tf2onnx writes it, no
  pair after the Transpose; values uniform in [0, 255], OUT_DIR/p.npy;
- `c17.onnx`: as `q.onnx` with 17 input channels, which the DPU reads
  padded to 32; OUT_DIR/x17.npy.
Usage: gen_qdq_input.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from model_writer import save_model

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def model(name, x_scale, x_zero_point, nhwc, channels=16):
    w = (rng.standard_normal((16, channels, 3, 3)) * 0.1).astype(np.float32)
    ws = np.float32(np.abs(w).max() / 127)
    inits = [
        numpy_helper.from_array(np.array(x_scale, np.float32), 'xs'),
        numpy_helper.from_array(np.array(x_zero_point,
                                         np.uint8 if nhwc else np.int8), 'xz'),
        numpy_helper.from_array(np.clip(np.round(w / ws), -127, 127).astype(np.int8), 'wq'),
        numpy_helper.from_array(np.array(ws, np.float32), 'ws'),
        numpy_helper.from_array(np.array(0, np.int8), 'wz'),
        numpy_helper.from_array(np.array(0.05, np.float32), 'ys'),
        numpy_helper.from_array(np.array(0, np.int8), 'yz'),
    ]
    nodes = [
        helper.make_node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq'], name='x_q'),
        helper.make_node('DequantizeLinear', ['xq', 'xs', 'xz'],
                         ['xt' if nhwc else 'xd'], name='x_dq'),
    ]
    if nhwc:
        nodes.append(helper.make_node('Transpose', ['xt'], ['xd'], name='to_nchw',
                                      perm=[0, 3, 1, 2]))
    nodes += [
        helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd'], name='w_dq'),
        helper.make_node('Conv', ['xd', 'wd'], ['c'], name='conv', pads=[1, 1, 1, 1]),
        helper.make_node('QuantizeLinear', ['c', 'ys', 'yz'], ['cq'], name='c_q'),
        helper.make_node('DequantizeLinear', ['cq', 'ys', 'yz'], ['y'], name='c_dq'),
    ]
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, channels, 16, 16])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 16, 16, 16])], inits)
    save_model(graph, os.path.join(out, name + '.onnx'), opset=13)


model('q', 0.02, 0, nhwc=False)
np.save(os.path.join(out, 'x.npy'),
        (rng.standard_normal((1, 16, 16, 16)) * 1.2).astype(np.float32))
model('nhwc', 1.0, 0, nhwc=True)
np.save(os.path.join(out, 'p.npy'),
        rng.uniform(0, 255, (1, 16, 16, 16)).astype(np.float32))
model('c17', 0.02, 0, nhwc=False, channels=17)
np.save(os.path.join(out, 'x17.npy'),
        (rng.standard_normal((1, 17, 16, 16)) * 1.2).astype(np.float32))
