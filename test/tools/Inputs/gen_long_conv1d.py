"""gen_long_conv1d.py DIR: Whisper's encoder stem at 128 channels, as
DIR/m.onnx with input DIR/x.npy (a log-mel spectrogram [1, 80, 3000]) and
four calibration samples in DIR/calib/: a 1-d convolution (80 -> 128,
kernel 3, pad 1), ReLU, a 1-d convolution of stride 2 (128 -> 128) and
ReLU; and y2d, the first convolution written as a 1 x 3 convolution over
the frames unsqueezed to [1, 80, 1, 3000] (TensorFlow conversions). One row
of 3000 frames of 128 channels (768 KB in fp16) does not fit the CMX share a
row may take, so the convolutions run as columns."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
rng = np.random.default_rng(30)
inits = Initializers()
nodes = [
    h.make_node("Conv", ["x", inits.const("w1", (rng.standard_normal((128, 80, 3)) * 0.1).astype(np.float32)),
                         inits.const("b1", (rng.standard_normal(128) * 0.1).astype(np.float32))],
                ["c1"], pads=[1, 1], name="conv1"),
    h.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    h.make_node("Conv", ["r1", inits.const("w2", (rng.standard_normal((128, 128, 3)) * 0.05).astype(np.float32))],
                ["c2"], pads=[1, 1], strides=[2], name="conv2"),
    h.make_node("Relu", ["c2"], ["y"], name="relu2"),
    h.make_node("Unsqueeze", ["x", inits.const("ax2", np.array([2], np.int64))], ["x4"],
                name="unsqueeze"),
    h.make_node("Conv", ["x4", inits.const("w4", (rng.standard_normal((128, 80, 1, 3)) * 0.1)
                                            .astype(np.float32))],
                ["y2d"], pads=[0, 1, 0, 1], name="conv1x3"),
]
graph = h.make_graph(nodes, "long_conv1d",
                     [h.make_tensor_value_info("x", T.FLOAT, [1, 80, 3000])],
                     [h.make_tensor_value_info("y", T.FLOAT, [1, 128, 1500]),
                      h.make_tensor_value_info("y2d", T.FLOAT, [1, 128, 1, 3000])], inits)
save_model(graph, os.path.join(out, "m.onnx"))
save_samples(out, rng, (1, 80, 3000))
