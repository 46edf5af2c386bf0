"""gen_channel_broadcast.py DIR: one-channel maps broadcast over the
channels of another, as DIR/m.onnx with inputs DIR/x.npy ([1, 4, 8, 8])
and DIR/y.npy ([1, 4, 16, 16]) and four calibration samples in
DIR/calib/{x,y}/:
- masked: conv(y) (24 channels) times a spatial mask, the sigmoid of a
  1-channel conv(x) upsampled 2x (nearest);
- gated: conv(y) plus the global average (16 x 16, past the DPU's window)
  of a 1-channel conv(y);
- attended: y times the sigmoid of a 1-channel conv(y) (CBAM's spatial
  attention)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import f32, save_input_samples

out = sys.argv[1]
rng = np.random.default_rng(21)


def w(*shape):
    return rng.standard_normal(shape) / np.sqrt(int(np.prod(shape[1:])))


inits = [
    f32("wf", w(24, 4, 3, 3)), f32("bf", rng.standard_normal(24) * 0.1),
    f32("wm", w(1, 4, 3, 3)), f32("bm", [0.2]),
    f32("wg", w(1, 4, 3, 3)), f32("wa", w(1, 4, 1, 1)),
    f32("scales", [1, 1, 2, 2]),
]
nodes = [
    h.make_node("Conv", ["y", "wf", "bf"], ["f"], pads=[1, 1, 1, 1], name="feat"),
    h.make_node("Relu", ["f"], ["fr"], name="feat_relu"),
    h.make_node("Conv", ["x", "wm", "bm"], ["m"], pads=[1, 1, 1, 1], name="mask_conv"),
    h.make_node("Sigmoid", ["m"], ["ms"], name="mask"),
    h.make_node("Resize", ["ms", "", "scales"], ["mu"], mode="nearest",
                coordinate_transformation_mode="asymmetric", nearest_mode="floor", name="mask_up"),
    h.make_node("Mul", ["fr", "mu"], ["masked"], name="masked"),
    h.make_node("Conv", ["y", "wg"], ["g"], pads=[1, 1, 1, 1], name="gate_conv"),
    h.make_node("GlobalAveragePool", ["g"], ["gp"], name="gate_pool"),
    h.make_node("Add", ["fr", "gp"], ["gated"], name="gated"),
    h.make_node("Conv", ["y", "wa"], ["a"], name="attention_conv"),
    h.make_node("Sigmoid", ["a"], ["as"], name="attention"),
    h.make_node("Mul", ["y", "as"], ["attended"], name="attended"),
]
outputs = {"masked": [1, 24, 16, 16], "gated": [1, 24, 16, 16], "attended": [1, 4, 16, 16]}
graph = h.make_graph(
    nodes, "channel_broadcast",
    [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 8, 8]),
     h.make_tensor_value_info("y", T.FLOAT, [1, 4, 16, 16])],
    [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in outputs.items()], inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))


def sample():
    return (rng.standard_normal((1, 4, 8, 8)).astype(np.float32),
            rng.standard_normal((1, 4, 16, 16)).astype(np.float32))


save_input_samples(out, sample, ("x", "y"))
