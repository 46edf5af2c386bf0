"""gen_layout_math_ops.py DIR: ops exported models use that only move data
(DepthToSpace DCR and CRD, SpaceToDepth, Tile, Expand, Pad constant /
reflect / edge) after a convolution, LogSoftmax, ReduceL2, ReduceL1,
LpNormalization and ReduceLogSumExp over its channels, and
Floor, Ceil, Round, Sign, Sin, Cos, ArgMax, ArgMin (the last index) and
TopK (largest and smallest, ties by the lower index) of the graph input, as DIR/m.onnx, with
an input DIR/x.npy (multiples of 1/64, exact in float16, with halves for
Round) and four calibration samples in DIR/calib/."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(os.path.join(out, "calib"), exist_ok=True)
rng = np.random.default_rng(5)


def i64(name, values):
    return nh.from_array(np.array(values, np.int64), name)


inits = [
    nh.from_array((rng.standard_normal((16, 3, 3, 3)) * 0.3).astype(np.float32), "w"),
    i64("reps", [1, 1, 2, 3]),
    i64("shape", [1, 16, 8, 8]),
    i64("pads_c", [0, 0, 1, 2, 0, 0, 2, 1]),
    i64("pads_r", [0, 0, 2, 1, 0, 0, 1, 2]),
    i64("pads_e", [0, 0, 1, 3, 0, 0, 2, 0]),
    nh.from_array(np.array(0.5, np.float32), "half"),
]
nodes = [
    h.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
    h.make_node("DepthToSpace", ["c"], ["d2s"], blocksize=2, name="d2s"),
    h.make_node("DepthToSpace", ["c"], ["d2s_crd"], blocksize=2, mode="CRD", name="d2s_crd"),
    h.make_node("SpaceToDepth", ["c"], ["s2d"], blocksize=2, name="s2d"),
    h.make_node("Tile", ["c", "reps"], ["tile"], name="tile"),
    h.make_node("GlobalAveragePool", ["c"], ["gap"], name="gap"),
    h.make_node("Expand", ["gap", "shape"], ["expand"], name="expand"),
    h.make_node("Pad", ["c", "pads_c", "half"], ["pad_c"], mode="constant", name="pad_c"),
    h.make_node("Pad", ["c", "pads_r"], ["pad_r"], mode="reflect", name="pad_r"),
    h.make_node("Pad", ["c", "pads_e"], ["pad_e"], mode="edge", name="pad_e"),
    h.make_node("LogSoftmax", ["c"], ["logsm"], axis=1, name="logsm"),
    h.make_node("ReduceL2", ["c"], ["l2"], axes=[1], name="l2"),
    h.make_node("ReduceL1", ["c"], ["l1"], axes=[1], name="l1"),
    h.make_node("LpNormalization", ["c"], ["lpnorm"], axis=1, name="lpnorm"),
    h.make_node("ReduceLogSumExp", ["c"], ["lse"], axes=[1], keepdims=0, name="lse"),
]
shapes = {"d2s": [1, 4, 16, 16], "d2s_crd": [1, 4, 16, 16], "s2d": [1, 64, 4, 4],
          "tile": [1, 16, 16, 24], "expand": [1, 16, 8, 8], "pad_c": [1, 16, 11, 11],
          "pad_r": [1, 16, 11, 11], "pad_e": [1, 16, 11, 11], "logsm": [1, 16, 8, 8],
          "l2": [1, 1, 8, 8], "l1": [1, 1, 8, 8], "lpnorm": [1, 16, 8, 8], "lse": [1, 8, 8]}
for op in ["Floor", "Ceil", "Round", "Sign", "Sin", "Cos"]:
    nodes.append(h.make_node(op, ["x"], [op.lower()], name=op.lower()))
    shapes[op.lower()] = [1, 3, 8, 8]
nodes.append(h.make_node("ArgMax", ["x"], ["argmax"], axis=1, keepdims=0, name="argmax"))
nodes.append(h.make_node("ArgMin", ["x"], ["argmin"], axis=3, select_last_index=1,
                         name="argmin"))
inits.append(i64("k", [3]))
nodes.append(h.make_node("TopK", ["x", "k"], ["topv", "topi"], axis=-1, name="topk"))
nodes.append(h.make_node("TopK", ["x", "k"], ["lowv", "lowi"], axis=1, largest=0,
                         name="bottomk"))
g = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])],
                 [h.make_tensor_value_info(k, T.FLOAT, s) for k, s in shapes.items()] +
                 [h.make_tensor_value_info("argmax", T.INT64, [1, 8, 8]),
                  h.make_tensor_value_info("argmin", T.INT64, [1, 3, 8, 1]),
                  h.make_tensor_value_info("topv", T.FLOAT, [1, 3, 8, 3]),
                  h.make_tensor_value_info("topi", T.INT64, [1, 3, 8, 3]),
                  h.make_tensor_value_info("lowv", T.FLOAT, [1, 3, 8, 8]),
                  h.make_tensor_value_info("lowi", T.INT64, [1, 3, 8, 8])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, os.path.join(out, "m.onnx"))


def sample():
    # Multiples of 1/16: exact in float16, and ties for ArgMax / ArgMin.
    return (np.round(rng.uniform(-4, 4, (1, 3, 8, 8)) * 16) / 16).astype(np.float32)


x = sample()
x.flat[:8] = [0.5, -0.5, 1.5, -2.5, 2.5, 0.0, -0.0, 3.5]  # Round's halves, Sign's zeros
np.save(os.path.join(out, "x.npy"), x)
for i in range(4):
    np.save(os.path.join(out, "calib", "s%d.npy" % i), sample())
