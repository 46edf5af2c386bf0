"""gen_index_casts.py DIR: integers the device holds, converted and
reused as exporters write them, as DIR/m.onnx with inputs DIR/x.npy
(features [1, 16, 8, 8] for a 1x1 convolution), DIR/ids.npy (int32 token
ids [1, 12]) and DIR/labels.npy (int64 classes [1, 8, 8]), and four
calibration samples in DIR/calib/{x,ids,labels}/:
- emb: `input_ids.long()` then a view, then an embedding Gather (a Cast
  from int32 to int64 that a reshape reads, not the gather);
- remap_ids, remapped: a vocabulary remap, Gather of an int64 table by the
  ids (an integer result), then an embedding Gather by the remapped ids;
- class_f: the class per position, ArgMax cast to float (segmentation
  maps written as float);
- best_score: ArgMax (keepdims 0) cast to int32, unsqueezed, then
  GatherElements of the scores along the channels;
- hit: ArgMax == labels (accuracy masks), cast to float;
- big_f: int64 ids past float16's integers (2049, 65519, 119265) cast to
  float, exact as a float32 output."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

from model_writer import f32, i64, save_input_samples

out = sys.argv[1]
rng = np.random.default_rng(5)
VOCAB, REMAPPED = 50, 40


inits = [
    f32("w", rng.standard_normal((8, 16, 1, 1)) * 0.3),
    # Multiples of 1/64: exact in float16.
    f32("table", np.round(rng.standard_normal((VOCAB, 8)) * 64) / 64),
    f32("table2", np.round(rng.standard_normal((REMAPPED, 8)) * 64) / 64),
    i64("vocab_map", rng.integers(0, REMAPPED, VOCAB)),
    i64("flat", [12]),
    i64("ax1", [1]),
]
nodes = [
    h.make_node("Cast", ["ids"], ["ids64"], to=T.INT64, name="ids_long"),
    h.make_node("Reshape", ["ids64", "flat"], ["ids_flat"], name="ids_view"),
    h.make_node("Gather", ["table", "ids_flat"], ["emb"], axis=0, name="embedding"),
    h.make_node("Gather", ["vocab_map", "ids"], ["remap_ids"], axis=0, name="remap"),
    h.make_node("Gather", ["table2", "remap_ids"], ["remapped"], axis=0, name="remapped_embedding"),
    h.make_node("Conv", ["x", "w"], ["c"], name="head"),
    h.make_node("ArgMax", ["c"], ["cls"], axis=1, keepdims=1, name="cls"),
    h.make_node("Cast", ["cls"], ["class_f"], to=T.FLOAT, name="class_float"),
    h.make_node("ArgMax", ["c"], ["cls2"], axis=1, keepdims=0, name="cls_squeezed"),
    h.make_node("Cast", ["cls2"], ["cls32"], to=T.INT32, name="cls_int32"),
    h.make_node("Unsqueeze", ["cls32", "ax1"], ["cls32u"], name="cls_unsqueeze"),
    h.make_node("GatherElements", ["c", "cls32u"], ["best_score"], axis=1, name="best_score"),
    h.make_node("Equal", ["cls2", "labels"], ["hit_b"], name="hit_compare"),
    h.make_node("Cast", ["hit_b"], ["hit"], to=T.FLOAT, name="hit_float"),
    h.make_node("Cast", ["big"], ["big_f"], to=T.FLOAT, name="big_float"),
]
outputs = {"emb": (T.FLOAT, [12, 8]), "remap_ids": (T.INT64, [1, 12]),
           "remapped": (T.FLOAT, [1, 12, 8]), "class_f": (T.FLOAT, [1, 1, 8, 8]),
           "best_score": (T.FLOAT, [1, 1, 8, 8]), "hit": (T.FLOAT, [1, 8, 8]),
           "big_f": (T.FLOAT, [1, 6])}
graph = h.make_graph(
    nodes, "index_casts",
    [h.make_tensor_value_info("x", T.FLOAT, [1, 16, 8, 8]),
     h.make_tensor_value_info("ids", T.INT32, [1, 12]),
     h.make_tensor_value_info("labels", T.INT64, [1, 8, 8]),
     h.make_tensor_value_info("big", T.INT64, [1, 6])],
    [h.make_tensor_value_info(k, t, s) for k, (t, s) in outputs.items()],
    inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))


def sample():
    x = (np.round(rng.standard_normal((1, 16, 8, 8)) * 64) / 64).astype(np.float32)
    big = np.array([[7, 2049, 4097, 30001, 65519, 119265]], np.int64)
    return (x, rng.integers(0, VOCAB, (1, 12)).astype(np.int32),
            rng.integers(0, 8, (1, 8, 8)).astype(np.int64), big)


save_input_samples(out, sample, ("x", "ids", "labels", "big"))
