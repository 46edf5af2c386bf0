#!/usr/bin/env python3
"""Writes a small CNN exercising every DPU lowering of npu-lower-to-hw.

    gen_cnn.py OUT.onnx

Asymmetric padding, stride, depthwise, grouped and dilated convolutions,
fused ReLU / Clip / LeakyReLU, ceil-mode max pooling, average pooling,
global average pooling, transposed convolutions (kernel = stride, and
overlapping windows), Gemm and MatMul with bias,
Softmax. Random weights from a fixed seed.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
inits = []
nodes = []


def w(name, *shape, scale=0.3):
    inits.append(numpy_helper.from_array(
        (rng.standard_normal(shape) * scale).astype(np.float32), name))
    return name


def node(op, ins, out, **attrs):
    nodes.append(helper.make_node(op, ins, [out], name=out + "_node", **attrs))
    return out


x = "x"
y = node("Conv", [x, w("w1", 8, 3, 3, 3), w("b1", 8)], "c1",
         strides=[2, 2], pads=[1, 0, 1, 1])
y = node("Relu", [y], "r1")
y = node("Conv", [y, w("w2", 8, 1, 3, 3), w("b2", 8)], "c2", group=8,
         pads=[1, 1, 1, 1])
inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "lo"))
inits.append(numpy_helper.from_array(np.array(6.0, np.float32), "hi"))
y = node("Clip", [y, "lo", "hi"], "clip2")
y = node("Conv", [y, w("w3", 16, 4, 1, 1)], "c3", group=2)
y = node("Conv", [y, w("w4", 16, 16, 3, 3, scale=0.1)], "c4", dilations=[2, 2],
         pads=[2, 2, 2, 2])
y = node("LeakyRelu", [y], "lr4", alpha=0.1)
t = node("ConvTranspose", [y, w("wt", 16, 8, 2, 2), w("bt", 8)], "ct",
         strides=[2, 2])
# Overlapping windows (kernel 3 > stride 2): a 2x2 convolution per phase;
# the one above (kernel = stride) is a 1x1 convolution plus depth to space.
t = node("ConvTranspose", [t, w("wt2", 8, 8, 3, 3, scale=0.2), w("bt2", 8)],
         "ct2", strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
t = node("MaxPool", [t], "mp", kernel_shape=[3, 3], strides=[4, 4],
         ceil_mode=1)
y = node("AveragePool", [t], "ap", kernel_shape=[2, 2], strides=[1, 1])
g = node("GlobalAveragePool", [y], "gap")
f = node("Flatten", [g], "flat")
f = node("Gemm", [f, w("wg", 12, 8), w("bg", 12)], "gemm", transB=1)
m = node("Reshape", [f, "shape34"], "r34")
inits.append(numpy_helper.from_array(np.array([1, 3, 4], np.int64), "shape34"))
m = node("MatMul", [m, w("wm", 4, 5)], "mm")
m = node("Add", [m, w("bm", 5)], "mmb")
node("Softmax", [m], "out", axis=-1)

graph = helper.make_graph(
    nodes, "cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 21, 20])],
    [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 3, 5])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
