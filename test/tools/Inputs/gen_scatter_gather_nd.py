"""gen_scatter_gather_nd.py DIR: ScatterND, GatherND and ScatterElements as
exporters write them, as DIR/m.onnx with inputs DIR/{x,pos,cls,sel}.npy and
calibration samples in DIR/calib/NAME/:

- decoded: a YOLOv5 detect head's in-place box decoding
  (`y[..., 0:2] = (y[..., 0:2] * 2 - 0.5 + grid) * stride`, which PyTorch
  exports as ScatterND with a constant index tuple per element: a box whole
  in all dimensions but the last, which the canonical stage makes slices and
  a concatenation);
- patched: the decoded boxes with a 4 x 4 window of anchor 1's scores
  replaced by the sigmoid's (`decoded[:, 1, 2:6, 2:6, 4:6] = y[...]`: a box
  partial in three dimensions, a ScatterND with rank-6 index tuples);
- pooled: rows of x added into a zero table at positions a graph input gives,
  repeated positions summing (ScatterND, reduction add: a segment sum);
- onehot: ones scattered along the channels at the classes a graph input
  gives (`zeros.scatter_(1, cls, 1)`: ScatterElements);
- picked: rows of the decoded boxes picked per image by index tuples a graph
  input gives (GatherND, batch_dims 1: a detector's post-processing);
- corners: fixed cells of the head (GatherND of constant tuples)."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import Initializers, f32, i64, save_input_samples, save_model

out = sys.argv[1]
rng = np.random.default_rng(23)
inits = Initializers()
A, C, H, W = 3, 6, 8, 8
# The ScatterND indices of y[..., 0:2] in [1, A, H, W, C]: every (0, a, i, j, c < 2).
grid_idx = np.stack(np.meshgrid(np.arange(1), np.arange(A), np.arange(H), np.arange(W),
                                np.arange(2), indexing="ij"), axis=-1).astype(np.int64)
grid = np.stack(np.meshgrid(np.arange(W), np.arange(H), indexing="xy"), axis=-1)
grid = np.broadcast_to(grid.reshape(1, 1, H, W, 2), (1, A, H, W, 2)).astype(np.float32) - 0.5
patch_idx = np.stack(np.meshgrid(np.arange(1), np.arange(1, 2), np.arange(2, 6),
                                 np.arange(2, 6), np.arange(4, 6), indexing="ij"),
                     axis=-1).astype(np.int64)
corners = np.array([[0, 0, 0, 0], [0, 2, 5, 7], [0, 1, 3, 4]], np.int64)
inits += [f32("grid", grid), f32("two", 2.0), f32("stride", 8.0), i64("grid_idx", grid_idx),
          f32("table", np.zeros((10, 8), np.float32)),
          f32("zeros", np.zeros((1, C * A, H, W), np.float32)),
          f32("ones", np.ones((1, 1, H, W), np.float32)), i64("corners", corners),
          i64("patch_idx", patch_idx)]
nodes = [
    h.make_node("Conv", ["x", inits.normal(rng, "w", (A * C, 16, 1, 1), 0.25)], ["p"], name="head"),
    h.make_node("Reshape", ["p", inits.const("s5", np.array([1, A, C, H, W], np.int64))], ["p5"],
                name="view"),
    h.make_node("Transpose", ["p5"], ["pt"], perm=[0, 1, 3, 4, 2], name="permute"),
    h.make_node("Sigmoid", ["pt"], ["y"], name="sigmoid"),
    h.make_node("Slice", ["y", inits.const("b0", np.array([0], np.int64)),
                          inits.const("b2", np.array([2], np.int64)),
                          inits.const("ax4", np.array([4], np.int64))], ["xy"], name="xy"),
    h.make_node("Mul", ["xy", "two"], ["xy2"], name="xy_times_2"),
    h.make_node("Add", ["xy2", "grid"], ["xyg"], name="plus_grid"),
    h.make_node("Mul", ["xyg", "stride"], ["xys"], name="times_stride"),
    h.make_node("ScatterND", ["y", "grid_idx", "xys"], ["decoded"], name="decode_xy"),
    h.make_node("Slice", ["y", inits.const("w0", np.array([1, 2, 2, 4], np.int64)),
                          inits.const("w1", np.array([2, 6, 6, 6], np.int64)),
                          inits.const("wax", np.array([1, 2, 3, 4], np.int64))], ["window"],
                name="window"),
    h.make_node("ScatterND", ["decoded", "patch_idx", "window"], ["patched"], name="patch"),
    # A segment sum of 4 rows of x ([4, 8]) into a [10, 8] table.
    h.make_node("Slice", ["x", inits.const("r0", np.array([0, 0, 0], np.int64)),
                          inits.const("r1", np.array([4, 1, 8], np.int64)),
                          inits.const("rax", np.array([1, 2, 3], np.int64))], ["rows4"],
                name="rows"),
    h.make_node("Reshape", ["rows4", inits.const("s48", np.array([4, 8], np.int64))], ["rows"],
                name="rows_view"),
    h.make_node("ScatterND", ["table", "pos", "rows"], ["pooled"], reduction="add",
                name="segment_sum"),
    h.make_node("ScatterElements", ["zeros", "cls", "ones"], ["onehot"], axis=1, name="one_hot"),
    h.make_node("Reshape", ["decoded", inits.const("s3", np.array([1, A * H * W, C], np.int64))],
                ["boxes"], name="boxes"),
    h.make_node("GatherND", ["boxes", "sel"], ["picked"], batch_dims=1, name="pick"),
    h.make_node("GatherND", ["p5", "corners"], ["corner"], name="corner_cells"),
]
graph = h.make_graph(
    nodes, "scatter_gather_nd",
    [h.make_tensor_value_info("x", T.FLOAT, [1, 16, H, W]),
     h.make_tensor_value_info("pos", T.INT64, [4, 1]),
     h.make_tensor_value_info("cls", T.INT64, [1, 1, H, W]),
     h.make_tensor_value_info("sel", T.INT64, [1, 5, 1])],
    [h.make_tensor_value_info("decoded", T.FLOAT, [1, A, H, W, C]),
     h.make_tensor_value_info("patched", T.FLOAT, [1, A, H, W, C]),
     h.make_tensor_value_info("pooled", T.FLOAT, [10, 8]),
     h.make_tensor_value_info("onehot", T.FLOAT, [1, C * A, H, W]),
     h.make_tensor_value_info("picked", T.FLOAT, [1, 5, C]),
     h.make_tensor_value_info("corner", T.FLOAT, [3, W])], inits)
save_model(graph, os.path.join(out, "m.onnx"), opset=16)


def sample():
    return (rng.standard_normal((1, 16, H, W)).astype(np.float32),
            np.array([[3], [0], [3], [-1]], np.int64),
            rng.integers(0, C * A, (1, 1, H, W)).astype(np.int64),
            rng.integers(-A * H * W, A * H * W, (1, 5, 1)).astype(np.int64))


save_input_samples(out, sample, ("x", "pos", "cls", "sel"))
