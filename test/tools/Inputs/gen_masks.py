"""gen_masks.py DIR: attention masks as exporters build them in the graph,
as DIR/m.onnx with inputs DIR/{s,m,x}.npy and four calibration samples per
input in DIR/calib/<input>/:

- Hugging Face's extended mask: an int64 mask input unsqueezed, cast to
  float, (1 - mask) * -10000 added to the scores, softmax (p_hf);
- GPT-2's causal mask: Where(a constant lower-triangular boolean, scores,
  -10000), softmax (p_causal);
- transformers' 4-d mask: the int64 mask unsqueezed and expanded to the
  scores' shape before the cast, times finfo(float32).min (beyond
  float16: it saturates to -65504, so 0 * it stays 0), added (p_min; in
  int8 the add's operands differ too much in range for a DPU eltwise);
- masked_fill with -inf: Where(causal, scores, -inf) (p_causal_inf; int8
  calibrates without a range for the -inf constant);
- a boolean moved by DMA: Greater(mask, 0.5) expanded to the scores'
  shape, then Where (p_bool);
- comparisons and logic of float inputs: Where(x < s, x, s), and
  And / Or / Not / Equal results cast to float;
- LpNormalization of rows one of which is all zeros (zeros, as ONNX
  Runtime gives, not 0 / 0)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
rng = np.random.default_rng(3)
tri = np.tril(np.ones((8, 8), bool)).reshape(1, 1, 8, 8)
inits = [
    nh.from_array(np.array([1, 2], np.int64), "axes"),
    nh.from_array(np.array(1, np.float32), "one"),
    nh.from_array(np.array(-10000, np.float32), "big"),
    nh.from_array(tri, "tri"),
    nh.from_array(np.array(0, np.float32), "zero"),
    nh.from_array(np.array(0.5, np.float32), "half"),
    nh.from_array(np.array([1, 1, 8, 8], np.int64), "full"),
    nh.from_array(np.array(np.finfo(np.float32).min, np.float32), "fmin"),
    nh.from_array(np.array(-np.inf, np.float32), "ninf"),
    nh.from_array(np.array([0, 1, 1, 1], np.float32).reshape(1, 4, 1, 1), "rows"),
]
nodes = [
    h.make_node("Unsqueeze", ["m", "axes"], ["mu"], name="unsqueeze"),
    h.make_node("Cast", ["mu"], ["mf"], to=T.FLOAT, name="cast_mask"),
    h.make_node("Sub", ["one", "mf"], ["inv"], name="invert"),
    h.make_node("Mul", ["inv", "big"], ["bias"], name="scale"),
    h.make_node("Add", ["s", "bias"], ["masked"], name="add_mask"),
    h.make_node("Softmax", ["masked"], ["p_hf"], axis=-1, name="softmax_hf"),
    h.make_node("Where", ["tri", "s", "big"], ["causal"], name="causal"),
    h.make_node("Softmax", ["causal"], ["p_causal"], axis=-1, name="softmax_causal"),
    h.make_node("Less", ["x", "s"], ["lt"], name="less"),
    h.make_node("Where", ["lt", "x", "s"], ["w"], name="where"),
    h.make_node("Greater", ["x", "zero"], ["pos"], name="greater"),
    h.make_node("And", ["lt", "pos"], ["both"], name="and"),
    h.make_node("Or", ["lt", "pos"], ["either"], name="or"),
    h.make_node("Not", ["lt"], ["not_lt"], name="not"),
    h.make_node("Equal", ["x", "half"], ["eq"], name="equal"),
    h.make_node("Expand", ["mu", "full"], ["mfull"], name="expand_mask"),
    h.make_node("Cast", ["mfull"], ["mff"], to=T.FLOAT, name="cast_full"),
    h.make_node("Sub", ["one", "mff"], ["inv_full"], name="invert_full"),
    h.make_node("Mul", ["inv_full", "fmin"], ["bias_min"], name="scale_min"),
    h.make_node("Expand", ["bias_min", "shape4"], ["bias4"], name="expand_bias"),
    h.make_node("Add", ["s", "bias4"], ["masked_min"], name="add_min"),
    h.make_node("Softmax", ["masked_min"], ["p_min"], axis=-1, name="softmax_min"),
    h.make_node("Where", ["tri", "s", "ninf"], ["causal_inf"], name="causal_inf"),
    h.make_node("Softmax", ["causal_inf"], ["p_causal_inf"], axis=-1,
                name="softmax_causal_inf"),
    h.make_node("Greater", ["mf", "half"], ["keep"], name="keep"),
    h.make_node("Expand", ["keep", "shape4"], ["keep4"], name="expand_keep"),
    h.make_node("Where", ["keep4", "s", "big"], ["masked_bool"], name="where_keep"),
    h.make_node("Softmax", ["masked_bool"], ["p_bool"], axis=-1, name="softmax_bool"),
    h.make_node("Mul", ["x", "rows"], ["x_rows"], name="zero_row"),
    h.make_node("LpNormalization", ["x_rows"], ["lp_zero"], axis=3, name="lpnorm"),
]
inits.append(nh.from_array(np.array([1, 4, 8, 8], np.int64), "shape4"))
outputs = ["p_hf", "p_causal", "w", "p_min", "p_causal_inf", "lp_zero", "p_bool"]
for b in ["both", "either", "not_lt", "eq"]:
    nodes.append(h.make_node("Cast", [b], [b + "_f"], to=T.FLOAT, name="cast_" + b))
    outputs.append(b + "_f")
shape = [1, 4, 8, 8]
g = h.make_graph(nodes, "g",
                 [h.make_tensor_value_info("s", T.FLOAT, shape),
                  h.make_tensor_value_info("m", T.INT64, [1, 8]),
                  h.make_tensor_value_info("x", T.FLOAT, shape)],
                 [h.make_tensor_value_info(o, T.FLOAT, shape) for o in outputs], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, os.path.join(out, "m.onnx"))


def sample():
    # Multiples of 1/4 (exact in float16: the comparisons see ONNX Runtime's
    # values), the mask 1 on a prefix of the 8 positions.
    s = (np.round(rng.standard_normal(shape) * 8) / 4).astype(np.float32)
    x = (np.round(rng.standard_normal(shape) * 8) / 4).astype(np.float32)
    mask = (np.arange(8) < rng.integers(3, 9)).astype(np.int64).reshape(1, 8)
    return {"s": s, "m": mask, "x": x}


for name, v in sample().items():
    np.save(os.path.join(out, name + ".npy"), v)
for i in range(4):
    for name, v in sample().items():
        os.makedirs(os.path.join(out, "calib", name), exist_ok=True)
        np.save(os.path.join(out, "calib", name, "s%d.npy" % i), v)
