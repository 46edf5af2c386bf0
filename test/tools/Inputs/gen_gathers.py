"""gen_gathers.py DIR: gathers by indices the device holds, as detectors'
and decoders' exports write them, as DIR/m.onnx with inputs DIR/x.npy
(features [1, 16, 8, 8] for a 1x1 convolution) and DIR/ids.npy (int64
indices given by the user), and four calibration samples in
DIR/calib/x/ (ids: DIR/calib/ids/):
- the top 10 scores' boxes: TopK over [1, 64] scores, its indices
  unsqueezed and expanded to [1, 10, 4], GatherElements of the [1, 64, 4]
  boxes (DETR / RT-DETR post-processing), and Gather of the [64, 4] boxes
  by the indices cast to int32;
- the best box: ArgMax of the scores squeezed to a scalar index, Gather of
  its row;
- the best class per position: ArgMax over the channels, GatherElements of
  the scores along the channels with it (keepdims);
- GatherElements along the last axis by a constant permutation and by the
  user's int64 indices (negative ones among them: they count from the end)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
for sub in ("x", "ids"):
    os.makedirs(os.path.join(out, "calib", sub), exist_ok=True)
rng = np.random.default_rng(21)


def f32(name, a):
    return nh.from_array(np.asarray(a, np.float32), name)


def i64(name, values):
    return nh.from_array(np.array(values, np.int64), name)


inits = [
    f32("w", rng.standard_normal((8, 16, 1, 1)) * 0.3),
    i64("k", [10]),
    i64("flat", [1, 8, 64]),
    i64("rows", [64, 4]),
    i64("expand_to", [1, 10, 4]),
    i64("last", [-1]),
    i64("perm_idx", np.tile(np.array([3, 0, 2, 1], np.int64), (1, 64, 1)).tolist()),
    i64("s0", [0]), i64("s1", [1]), i64("s5", [5]),
    i64("ax1", [1]),
]
nodes = [
    h.make_node("Conv", ["x", "w"], ["c"], name="head"),
    h.make_node("Reshape", ["c", "flat"], ["cf"], name="flatten"),
    # Channel 0: scores; channels 1..4: boxes, [1, 64, 4] after a transpose.
    h.make_node("Slice", ["cf", "s0", "s1", "ax1"], ["score_row"], name="score_row"),
    h.make_node("Reshape", ["score_row", "rows_s"], ["scores"], name="scores"),
    h.make_node("Slice", ["cf", "s1", "s5", "ax1"], ["box_rows"], name="box_rows"),
    h.make_node("Transpose", ["box_rows"], ["boxes"], perm=[0, 2, 1], name="boxes"),
    h.make_node("TopK", ["scores", "k"], ["top_scores", "top_idx"], axis=-1, name="topk"),
    h.make_node("Unsqueeze", ["top_idx", "last"], ["top_idx3"], name="unsqueeze"),
    h.make_node("Expand", ["top_idx3", "expand_to"], ["top_idx_boxes"], name="expand"),
    h.make_node("GatherElements", ["boxes", "top_idx_boxes"], ["top_boxes"], axis=1, name="top_boxes"),
    h.make_node("Reshape", ["boxes", "rows"], ["box_table"], name="box_table"),
    h.make_node("Squeeze", ["top_idx", "s0"], ["top_idx1"], name="squeeze"),
    h.make_node("Cast", ["top_idx1"], ["top_idx32"], to=T.INT32, name="to_int32"),
    h.make_node("Gather", ["box_table", "top_idx32"], ["top_rows"], axis=0, name="top_rows"),
    h.make_node("ArgMax", ["scores"], ["top1"], axis=1, keepdims=0, name="top1"),
    h.make_node("Squeeze", ["top1", "s0"], ["top1_scalar"], name="top1_scalar"),
    h.make_node("Gather", ["box_table", "top1_scalar"], ["best_box"], axis=0, name="best_box"),
    h.make_node("ArgMax", ["c"], ["best"], axis=1, keepdims=1, name="best"),
    h.make_node("GatherElements", ["c", "best"], ["best_score"], axis=1, name="best_score"),
    h.make_node("GatherElements", ["boxes", "perm_idx"], ["permuted"], axis=2, name="permuted"),
    h.make_node("GatherElements", ["boxes", "ids"], ["picked"], axis=2, name="picked"),
]
inits.append(i64("rows_s", [1, 64]))
outputs = {"top_scores": [1, 10], "top_boxes": [1, 10, 4], "top_rows": [10, 4], "best_box": [4],
           "best_score": [1, 1, 8, 8], "permuted": [1, 64, 4], "picked": [1, 64, 2]}
graph = h.make_graph(
    nodes, "gathers",
    [h.make_tensor_value_info("x", T.FLOAT, [1, 16, 8, 8]),
     h.make_tensor_value_info("ids", T.INT64, [1, 64, 2])],
    [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in outputs.items()],
    inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))


def ids():
    return rng.integers(-4, 4, (1, 64, 2)).astype(np.int64)


# Multiples of 1/64 (exact in float16).
np.save(os.path.join(out, "x.npy"),
        (np.round(rng.standard_normal((1, 16, 8, 8)) * 64) / 64).astype(np.float32))
np.save(os.path.join(out, "ids.npy"), ids())
for i in range(4):
    np.save(os.path.join(out, "calib", "x", "%d.npy" % i),
            rng.standard_normal((1, 16, 8, 8)).astype(np.float32))
    np.save(os.path.join(out, "calib", "ids", "%d.npy" % i), ids())
