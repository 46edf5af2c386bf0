"""gen_id_masks.py DIR: masks computed from the token ids the user gives, as
Hugging Face exports write them, as DIR/m.onnx with inputs DIR/ids.npy
(int64 [1, 16], padded with 1) and DIR/x.npy (float scores [1, 16]):
- `input_ids.ne(pad_id).long()` then `.float()`: Equal, Not, Cast to int64,
  Cast to float, and the additive mask `(1 - m) * -10000` on the scores;
- ids compared with a constant vocabulary bound (`ids < 50257`, exact only
  in fp32: 50257 and 50256 are one float16), with each other (ids[:, 1:]
  == ids[:, :-1], repeated tokens), and a Where of the scores by
  `ids > 1000`.
Four calibration samples per input in DIR/calib/ids/, DIR/calib/x/."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
for sub in ("ids", "x"):
    os.makedirs(os.path.join(out, "calib", sub), exist_ok=True)
rng = np.random.default_rng(33)


def i64(name, values):
    return nh.from_array(np.array(values, np.int64), name)


inits = [
    i64("pad", [1]), i64("bound", [50257]), i64("thousand", [1000]),
    i64("s0", [0]), i64("s1", [1]), i64("e15", [15]), i64("e16", [16]), i64("ax1", [1]),
    nh.from_array(np.array([1.0], np.float32), "one"),
    nh.from_array(np.array([-10000.0], np.float32), "big"),
    nh.from_array(np.array([0.0], np.float32), "zero"),
]
nodes = [
    h.make_node("Equal", ["ids", "pad"], ["is_pad"], name="is_pad"),
    h.make_node("Not", ["is_pad"], ["keep"], name="keep"),
    h.make_node("Cast", ["keep"], ["keep_long"], to=T.INT64, name="keep_long"),
    h.make_node("Cast", ["keep_long"], ["mask"], to=T.FLOAT, name="mask"),
    h.make_node("Sub", ["one", "mask"], ["inv"], name="inv"),
    h.make_node("Mul", ["inv", "big"], ["bias"], name="bias"),
    h.make_node("Add", ["x", "bias"], ["masked"], name="masked"),
    h.make_node("Less", ["ids", "bound"], ["in_vocab"], name="in_vocab"),
    h.make_node("Cast", ["in_vocab"], ["in_vocab_f"], to=T.FLOAT, name="in_vocab_f"),
    h.make_node("Slice", ["ids", "s1", "e16", "ax1"], ["later"], name="later"),
    h.make_node("Slice", ["ids", "s0", "e15", "ax1"], ["earlier"], name="earlier"),
    h.make_node("Equal", ["later", "earlier"], ["repeat"], name="repeat"),
    h.make_node("Cast", ["repeat"], ["repeat_f"], to=T.FLOAT, name="repeat_f"),
    h.make_node("Greater", ["ids", "thousand"], ["rare"], name="rare"),
    h.make_node("Where", ["rare", "x", "zero"], ["rare_scores"], name="rare_scores"),
]
outputs = {"masked": [1, 16], "mask": [1, 16], "in_vocab_f": [1, 16],
           "repeat_f": [1, 15], "rare_scores": [1, 16]}
graph = h.make_graph(
    nodes, "id_masks",
    [h.make_tensor_value_info("ids", T.INT64, [1, 16]),
     h.make_tensor_value_info("x", T.FLOAT, [1, 16])],
    [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in outputs.items()],
    inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))


def ids():
    # Token ids around the vocabulary bound and 1000, repeats, padding.
    v = rng.choice([5, 7, 999, 1000, 1001, 50255, 50256, 50257, 50258, 70000],
                   size=(1, 16)).astype(np.int64)
    v[0, 3] = v[0, 2]
    v[0, 12:] = 1
    return v


def scores():
    return (np.round(rng.standard_normal((1, 16)) * 64) / 64).astype(np.float32)


np.save(os.path.join(out, "ids.npy"), ids())
np.save(os.path.join(out, "x.npy"), scores())
for i in range(4):
    np.save(os.path.join(out, "calib", "ids", "%d.npy" % i), ids())
    np.save(os.path.join(out, "calib", "x", "%d.npy" % i), scores())
