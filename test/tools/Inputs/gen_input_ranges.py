"""gen_input_ranges.py DIR: a ResNet-style stem, a 3x3 convolution of
stride 2 over an image [1, 3, 16, 16] (DIR/m.onnx), whose int8 blob
quantizes its f32 input directly (before the space-to-depth rearrangement), four calibration samples
in [-1, 1) (DIR/calib/), and test inputs: DIR/ok.npy in the same range,
DIR/scaled.npy the same values times 10 (inputs not preprocessed as the
calibration samples were), DIR/big.npy with one value 1e5; and the same
with a convolution of stride 1 (DIR/s1.onnx), whose int8 blob converts its
input to float16, pads its channels and then quantizes it."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import Initializers, save_model

out = sys.argv[1]
rng = np.random.default_rng(4)
inits = Initializers()
w = inits.const("w", (rng.standard_normal((16, 3, 3, 3)) * 0.5).astype(np.float32))
stem = h.make_node("Conv", ["x", w], ["y"], strides=[2, 2], pads=[1, 1, 1, 1], name="stem")
graph = h.make_graph([stem], "input_ranges",
                     [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 16, 16])],
                     [h.make_tensor_value_info("y", T.FLOAT, [1, 16, 8, 8])], inits)
save_model(graph, os.path.join(out, "m.onnx"))
conv1 = h.make_node("Conv", ["x", w], ["y"], strides=[1, 1], pads=[1, 1, 1, 1], name="conv1")
graph1 = h.make_graph([conv1], "input_ranges_s1",
                      [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 16, 16])],
                      [h.make_tensor_value_info("y", T.FLOAT, [1, 16, 16, 16])], inits)
save_model(graph1, os.path.join(out, "s1.onnx"))
os.makedirs(os.path.join(out, "calib"), exist_ok=True)
for i in range(4):
    np.save(os.path.join(out, "calib", "%d.npy" % i),
            rng.uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32))
ok = rng.uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32)
np.save(os.path.join(out, "ok.npy"), ok)
np.save(os.path.join(out, "scaled.npy"), ok * 10)
big = ok.copy()
big[0, 0, 0, 0] = 1e5
np.save(os.path.join(out, "big.npy"), big)
