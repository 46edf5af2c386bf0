"""gen_conv_transpose1d.py DIR: 1-d transposed convolutions as vocoders
(HiFi-GAN, MelGAN) upsample, as DIR/m.onnx with input DIR/x.npy (features
[1, 32, 50]) and four calibration samples in DIR/calib/:
- up8: kernel 16, stride 8, pad 4 (HiFi-GAN's first upsampling), 32 -> 16
  channels, with bias, then LeakyReLU 0.1;
- up2: kernel 4, stride 2, pad 1 of up8, 16 -> 8 channels;
- taps: kernel 2, stride 2 (taps that do not overlap: one 1x1 convolution
  and a rearrangement), 32 -> 16 channels;
- dw: depthwise (group 32), kernel 3, stride 2, pad 1, output_padding 1."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import Initializers, save_model, save_samples

out = sys.argv[1]
rng = np.random.default_rng(12)
inits = Initializers()
nodes = [
    h.make_node("ConvTranspose", ["x", inits.normal(rng, "w8", (32, 16, 16), 0.1), inits.normal(rng, "b8", (16,), 0.1)],
                ["u8"], strides=[8], pads=[4, 4], name="up8"),
    h.make_node("LeakyRelu", ["u8"], ["up8"], alpha=0.1, name="leaky"),
    h.make_node("ConvTranspose", ["up8", inits.normal(rng, "w2", (16, 8, 4), 0.2)], ["up2"],
                strides=[2], pads=[1, 1], name="up2"),
    h.make_node("ConvTranspose", ["x", inits.normal(rng, "wt", (32, 16, 2), 0.2)], ["taps"],
                strides=[2], name="taps"),
    h.make_node("ConvTranspose", ["x", inits.normal(rng, "wd", (32, 1, 3), 0.5)], ["dw"], group=32,
                strides=[2], pads=[1, 1], output_padding=[1], name="dw"),
]
outputs = {"up8": [1, 16, 400], "up2": [1, 8, 800], "taps": [1, 16, 100], "dw": [1, 32, 100]}
graph = h.make_graph(nodes, "conv_transpose1d",
                     [h.make_tensor_value_info("x", T.FLOAT, [1, 32, 50])],
                     [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in outputs.items()],
                     inits)
save_model(graph, os.path.join(out, "m.onnx"))
save_samples(out, rng, (1, 32, 50))
