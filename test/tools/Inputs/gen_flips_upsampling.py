"""gen_flips_upsampling.py DIR: slices with negative steps and grouped
transposed convolutions, as DIR/m.onnx with inputs DIR/x.npy (an image
[1, 3, 32, 32]) and DIR/s.npy (a signal [1, 400]), and four calibration
samples in DIR/calib/{x,s}/:
- a BGR -> RGB flip (`x[:, ::-1]`) before a 3x3 convolution and ReLU;
- up: a depthwise transposed convolution (16 groups of one channel,
  kernel 4, stride 2, pad 1: the learned 2x upsampling of FCN / U-Net
  heads) of the features; up80: the same of 80 channels (a 1x1
  convolution's), past the channels the ungrouped form takes;
- up2: a depthwise transposed convolution of kernel 2, stride 2 (taps
  that do not overlap: the ungrouped 1x1 form);
- grouped: a transposed convolution of 2 groups (16 -> 8 channels, 3x3,
  stride 1, pad 1);
- mirrored: the features reversed along W (32 positions: DMA slices);
- reversed: the signal reversed (400 positions, a gather) and every
  other sample of it backwards from the end (step -2)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import f32, i64, save_input_samples

out = sys.argv[1]
rng = np.random.default_rng(8)
END = -(2 ** 63)
inits = [
    f32("w", rng.standard_normal((16, 3, 3, 3)) * 0.3),
    f32("wd", rng.standard_normal((16, 1, 4, 4)) * 0.3),
    f32("bd", rng.standard_normal(16) * 0.1),
    f32("wg", rng.standard_normal((16, 4, 3, 3)) * 0.2),
    f32("wd2", rng.standard_normal((16, 1, 2, 2)) * 0.5),
    f32("we", rng.standard_normal((80, 16, 1, 1)) * 0.3),
    f32("wd80", rng.standard_normal((80, 1, 4, 4)) * 0.3),
    i64("minus1", [-1]), i64("minus2", [-2]), i64("end", [END]),
    i64("ax1", [1]), i64("ax3", [3]),
]
nodes = [
    h.make_node("Slice", ["x", "minus1", "end", "ax1", "minus1"], ["rgb"], name="bgr_to_rgb"),
    h.make_node("Conv", ["rgb", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
    h.make_node("Relu", ["c"], ["f"], name="relu"),
    h.make_node("ConvTranspose", ["f", "wd", "bd"], ["up"], group=16, strides=[2, 2],
                pads=[1, 1, 1, 1], name="up"),
    h.make_node("ConvTranspose", ["f", "wd2"], ["up2"], group=16, strides=[2, 2], name="up2"),
    h.make_node("Conv", ["f", "we"], ["e"], name="expand"),
    h.make_node("ConvTranspose", ["e", "wd80"], ["up80"], group=80, strides=[2, 2],
                pads=[1, 1, 1, 1], name="up80"),
    h.make_node("ConvTranspose", ["f", "wg"], ["grouped"], group=2, pads=[1, 1, 1, 1],
                name="grouped"),
    h.make_node("Slice", ["f", "minus1", "end", "ax3", "minus1"], ["mirrored"], name="mirror"),
    h.make_node("Slice", ["s", "minus1", "end", "ax1", "minus1"], ["reversed"], name="reverse"),
    h.make_node("Slice", ["s", "minus1", "end", "ax1", "minus2"], ["odd_back"], name="odd_back"),
]
outputs = {"up": [1, 16, 64, 64], "up2": [1, 16, 64, 64], "up80": [1, 80, 64, 64], "grouped": [1, 8, 32, 32], "mirrored": [1, 16, 32, 32],
           "reversed": [1, 400], "odd_back": [1, 200]}
graph = h.make_graph(
    nodes, "flips_upsampling",
    [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 32, 32]),
     h.make_tensor_value_info("s", T.FLOAT, [1, 400])],
    [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in outputs.items()],
    inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))


def sample():
    return (rng.uniform(0, 1, (1, 3, 32, 32)).astype(np.float32),
            rng.standard_normal((1, 400)).astype(np.float32))


save_input_samples(out, sample, ("x", "s"))
