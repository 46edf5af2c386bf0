"""gen_affine_blocks.py DIR: hard-swish followed by per-channel affine
constants on maps large enough for the SHAVEs to split them (48 x 48 x 16),
as DIR/m.onnx with input DIR/x.npy ([1, 8, 48, 48]) and four calibration
samples in DIR/calib/: y1 = hswish(conv) * a (a scale alone, per channel),
y2 = hswish(conv) + b (a shift alone, per channel), y3 = hswish(conv) * s +
b3 (a scalar scale, a per-channel shift)."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
rng = np.random.default_rng(29)
inits = Initializers()
nodes = []
for i in (1, 2, 3):
    nodes += [
        h.make_node("Conv", ["x", inits.normal(rng, "w%d" % i, (16, 8, 3, 3), 0.2),
                             inits.normal(rng, "b%d" % i, (16,), 0.1)],
                    ["c%d" % i], pads=[1, 1, 1, 1], name="conv%d" % i),
        h.make_node("HardSwish", ["c%d" % i], ["h%d" % i], name="hswish%d" % i),
    ]
channel = lambda name, lo, hi: inits.const(
    name, rng.uniform(lo, hi, (1, 16, 1, 1)).astype(np.float32))
nodes += [
    h.make_node("Mul", ["h1", channel("a1", 0.25, 3.0)], ["y1"], name="scale_only"),
    h.make_node("Add", ["h2", channel("s2", -1.0, 1.0)], ["y2"], name="shift_only"),
    h.make_node("Mul", ["h3", inits.const("a3", np.array([1.3], np.float32))], ["m3"],
                name="scalar_scale"),
    h.make_node("Add", ["m3", channel("s3", -1.0, 1.0)], ["y3"], name="channel_shift"),
]
outs = [h.make_tensor_value_info(n, T.FLOAT, [1, 16, 48, 48]) for n in ("y1", "y2", "y3")]
graph = h.make_graph(nodes, "affine_blocks",
                     [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 48, 48])], outs, inits)
save_model(graph, os.path.join(out, "m.onnx"))
save_samples(out, rng, (1, 8, 48, 48))
