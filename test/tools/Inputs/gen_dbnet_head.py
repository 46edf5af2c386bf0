"""gen_dbnet_head.py DIR: a DBNet text-detection head (PP-OCR's), as
DIR/m.onnx with input DIR/x.npy ([1, 32, 20, 24] features) and four
calibration samples in DIR/calib/x/:
- a 3x3 convolution (32 -> 24 channels) and ReLU;
- a 2x2, stride-2 transposed convolution (24 -> 24, with bias) and ReLU:
  `mid`, [1, 24, 40, 48];
- a second one (24 -> 1, with bias) and Sigmoid: `prob`, [1, 1, 80, 96];
- `side`: the same second upsampling (24 -> 3 channels) of `mid`, without
  a sigmoid, so the first one's interleaved result is read too."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import f32, save_input_samples

out = sys.argv[1]
rng = np.random.default_rng(11)


def w(*shape):
    fan = int(np.prod(shape[1:]))
    return rng.standard_normal(shape) / np.sqrt(fan)


inits = [
    f32("wc", w(24, 32, 3, 3)), f32("bc", rng.standard_normal(24) * 0.1),
    f32("w1", w(24, 24, 2, 2)), f32("b1", rng.standard_normal(24) * 0.1),
    f32("w2", w(24, 1, 2, 2)), f32("b2", [-0.3]),
    f32("w3", w(24, 3, 2, 2)),
]
nodes = [
    h.make_node("Conv", ["x", "wc", "bc"], ["c"], pads=[1, 1, 1, 1], name="conv"),
    h.make_node("Relu", ["c"], ["cr"], name="conv_relu"),
    h.make_node("ConvTranspose", ["cr", "w1", "b1"], ["u1"], strides=[2, 2], name="up1"),
    h.make_node("Relu", ["u1"], ["mid"], name="mid"),
    h.make_node("ConvTranspose", ["mid", "w2", "b2"], ["u2"], strides=[2, 2], name="up2"),
    h.make_node("Sigmoid", ["u2"], ["prob"], name="prob"),
    h.make_node("ConvTranspose", ["mid", "w3"], ["side"], strides=[2, 2], name="side"),
]
outputs = {"prob": [1, 1, 80, 96], "side": [1, 3, 80, 96], "mid": [1, 24, 40, 48]}
graph = h.make_graph(
    nodes, "dbnet_head", [h.make_tensor_value_info("x", T.FLOAT, [1, 32, 20, 24])],
    [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in outputs.items()], inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))


def sample():
    return (np.maximum(rng.standard_normal((1, 32, 20, 24)), 0).astype(np.float32),)


save_input_samples(out, sample, ("x",))
