#!/usr/bin/env python3
"""Writes an ONNX CNN whose channels are split (Split, opset 13) between two
convolutions and concatenated again, and an input: gen_split.py OUT.onnx X.npy"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

rng = np.random.default_rng(0)
w1 = (rng.standard_normal((32, 3, 3, 3)) * 0.3).astype(np.float32)
w2 = (rng.standard_normal((8, 16, 1, 1)) * 0.3).astype(np.float32)
w3 = (rng.standard_normal((8, 16, 3, 3)) * 0.3).astype(np.float32)
inits = [h.make_tensor(n, T.FLOAT, w.shape, w.flatten()) for n, w in (("w1", w1), ("w2", w2), ("w3", w3))]
inits.append(h.make_tensor("sp", T.INT64, [2], [16, 16]))
nodes = [
    h.make_node("Conv", ["x", "w1"], ["c"], pads=[1, 1, 1, 1], name="conv0"),
    h.make_node("Relu", ["c"], ["r"], name="relu0"),
    h.make_node("Split", ["r", "sp"], ["a", "b"], axis=1, name="split0"),
    h.make_node("Conv", ["a", "w2"], ["ya"], name="conva"),
    h.make_node("Conv", ["b", "w3"], ["yb"], pads=[1, 1, 1, 1], name="convb"),
    h.make_node("Concat", ["ya", "yb"], ["y"], axis=1, name="cat"),
]
g = h.make_graph(nodes, "split", [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 16, 16])],
                 [h.make_tensor_value_info("y", T.FLOAT, [1, 16, 16, 16])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, sys.argv[1])
np.save(sys.argv[2], rng.standard_normal((1, 3, 16, 16)).astype(np.float32))
