"""gen_tcn.py DIR: a temporal convolutional network's dilated 1-d
convolutions past the DPU's 11 taps once dilated, as DIR/m.onnx with input
DIR/x.npy ([1, 32, 200]) and four calibration samples in DIR/calib/:
kernel 3 at dilation 8, padding 8 (17 taps), ReLU, kernel 5 at dilation 3,
padding 6 (13 taps), depthwise; and y2d, kernel 1 x 3 at dilation 1 x 8
over the input unsqueezed to [1, 32, 1, 200] (TensorFlow conversions);
and y4, the same 1 x 3 kernel at dilation 1 x 8 over the input viewed as 4
rows of 50 ([1, 32, 4, 50]: dilated along W only, with H > 1)."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
rng = np.random.default_rng(17)
inits = Initializers()
nodes = [
    h.make_node("Conv", ["x", inits.normal(rng, "w1", (32, 32, 3), 0.15), inits.normal(rng, "b1", (32,), 0.1)],
                ["c1"], dilations=[8], pads=[8, 8], name="tcn_d8"),
    h.make_node("Relu", ["c1"], ["r1"], name="relu"),
    h.make_node("Conv", ["r1", inits.normal(rng, "w2", (32, 1, 5), 0.3)], ["y"], dilations=[3],
                pads=[6, 6], group=32, name="tcn_d3_depthwise"),
    h.make_node("Unsqueeze", ["x", inits.const("ax2", np.array([2], np.int64))], ["x4"],
                name="unsqueeze"),
    h.make_node("Conv", ["x4", inits.normal(rng, "w3", (16, 32, 1, 3), 0.15)], ["y2d"],
                dilations=[1, 8], pads=[0, 8, 0, 8], name="tcn_1x3_d8"),
    h.make_node("Reshape", ["x", inits.const("rows", np.array([1, 32, 4, 50], np.int64))], ["xr"],
                name="rows"),
    h.make_node("Conv", ["xr", inits.normal(rng, "w4", (16, 32, 1, 3), 0.15)], ["y4"],
                dilations=[1, 8], pads=[0, 8, 0, 8], name="rows_1x3_d8"),
]
graph = h.make_graph(nodes, "tcn", [h.make_tensor_value_info("x", T.FLOAT, [1, 32, 200])],
                     [h.make_tensor_value_info("y", T.FLOAT, [1, 32, 200]),
                      h.make_tensor_value_info("y2d", T.FLOAT, [1, 16, 1, 200]),
                      h.make_tensor_value_info("y4", T.FLOAT, [1, 16, 4, 50])], inits)
save_model(graph, os.path.join(out, "m.onnx"))
save_samples(out, rng, (1, 32, 200))
