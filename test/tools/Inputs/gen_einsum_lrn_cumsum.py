"""gen_einsum_lrn_cumsum.py DIR: ops exported models use that mapped to no
engine before npu-decompose-einsum and npu-decompose-banded-sums, as
DIR/m.onnx with an input DIR/x.npy and four calibration samples in
DIR/calib/: after a convolution of x [1, 3, 8, 8] to c [1, 16, 8, 8],
- Einsum as attention scores ('bhqd,bhkd->bhqk' over c viewed as 2 heads,
  and with one key head shared by both: its h broadcasts),
  their product with the values ('bhqk,bhkd->bhqd'), an ellipsis matmul with
  a weight ('...ij,jk->...ik'), an outer product ('i,j->ij'), a sum
  ('nchw->nc', implicit-output 'nchw' summed over h, w kept in output
  order), and three operands ('nc,cd,de->ne');
- Einsum with a constant relative-position table ('bhqd,qkd->bhqk': a
  constant right-hand side with a batch dimension);
- LRN as AlexNet / GoogLeNet use it (size 5, alpha 1e-4, beta 0.75, bias
  1), with a large alpha, and as tf2onnx writes TensorFlow's default
  (size 11, alpha 11, beta 0.5, bias 1) over activations in the hundreds,
  whose squares overflow float16 (ONNX Runtime takes odd sizes of 4-d
  tensors only);
- CumSum along the channels, exclusive, and along the columns reversed."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(os.path.join(out, "calib"), exist_ok=True)
rng = np.random.default_rng(11)


def f32(name, a):
    return nh.from_array(np.asarray(a, np.float32), name)


def i64(name, values):
    return nh.from_array(np.array(values, np.int64), name)


inits = [
    f32("w", rng.standard_normal((16, 3, 3, 3)) * 0.5),
    i64("heads", [1, 2, 8, 64]),   # [b, h, d=8 channels, 64 pixels]
    f32("proj", rng.standard_normal((8, 12)) * 0.3),
    f32("cd", rng.standard_normal((16, 6)) * 0.3),
    f32("de", rng.standard_normal((6, 4)) * 0.3),
    i64("ax1", [1]),
    f32("loud", [40.0]),
    f32("relpos", np.random.default_rng(12).standard_normal((64, 64, 8)) * 0.3),
    i64("ax3", [3]),
]
nodes = [
    h.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
    h.make_node("Reshape", ["c", "heads"], ["hv"], name="to_heads"),
    h.make_node("Transpose", ["hv"], ["q"], perm=[0, 1, 3, 2], name="q"),
    h.make_node("Einsum", ["q", "q"], ["scores"], equation="bhqd,bhkd->bhqk", name="scores"),
    h.make_node("ReduceMean", ["q"], ["shared_k"], axes=[1], keepdims=1, name="shared_k"),
    h.make_node("Einsum", ["q", "shared_k"], ["shared_scores"], equation="bhqd,bhkd->bhqk", name="shared_scores"),
    h.make_node("Softmax", ["scores"], ["probs"], axis=-1, name="probs"),
    h.make_node("Einsum", ["probs", "q"], ["context"], equation="bhqk,bhkd->bhqd", name="context"),
    h.make_node("Einsum", ["context", "proj"], ["projected"], equation="...ij,jk->...ik", name="projected"),
    h.make_node("ReduceMean", ["c"], ["chan"], axes=[0, 2, 3], keepdims=0, name="chan"),
    h.make_node("ReduceMean", ["c"], ["col"], axes=[0, 1, 2], keepdims=0, name="col"),
    h.make_node("Einsum", ["chan", "col"], ["outer"], equation="i,j->ij", name="outer"),
    h.make_node("Einsum", ["c"], ["pooled"], equation="nchw->nc", name="pooled"),
    h.make_node("Einsum", ["pooled", "cd", "de"], ["chain"], equation="nc,cd,de->ne", name="chain"),
    h.make_node("Relu", ["c"], ["r"], name="relu"),
    h.make_node("LRN", ["r"], ["lrn"], size=5, alpha=1e-4, beta=0.75, bias=1.0, name="lrn"),
    h.make_node("LRN", ["c"], ["lrn_wide"], size=3, alpha=0.5, beta=0.6, bias=2.0, name="lrn_wide"),
    h.make_node("Mul", ["r", "loud"], ["r_loud"], name="r_loud"),
    h.make_node("LRN", ["r_loud"], ["lrn_tf"], size=11, alpha=11.0, beta=0.5, bias=1.0, name="lrn_tf"),
    h.make_node("Einsum", ["q", "relpos"], ["rel_scores"], equation="bhqd,qkd->bhqk", name="rel_scores"),
    h.make_node("CumSum", ["c", "ax1"], ["cumsum_c"], exclusive=1, name="cumsum_c"),
    h.make_node("CumSum", ["c", "ax3"], ["cumsum_w"], reverse=1, name="cumsum_w"),
]
shapes = {"scores": [1, 2, 64, 64], "shared_scores": [1, 2, 64, 64], "context": [1, 2, 64, 8],
          "projected": [1, 2, 64, 12], "outer": [16, 8], "pooled": [1, 16],
          "chain": [1, 4], "lrn": [1, 16, 8, 8], "lrn_wide": [1, 16, 8, 8], "lrn_tf": [1, 16, 8, 8],
          "rel_scores": [1, 2, 64, 64], 
          "cumsum_c": [1, 16, 8, 8], "cumsum_w": [1, 16, 8, 8]}
graph = h.make_graph(
    nodes, "einsum_lrn_cumsum",
    [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])],
    [h.make_tensor_value_info(k, T.FLOAT, v) for k, v in shapes.items()],
    inits)
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "m.onnx"))
# Multiples of 1/64 (exact in float16).
np.save(os.path.join(out, "x.npy"),
        (np.round(rng.standard_normal((1, 3, 8, 8)) * 64) / 64).astype(np.float32))
for i in range(4):
    np.save(os.path.join(out, "calib", "%d.npy" % i),
            rng.standard_normal((1, 3, 8, 8)).astype(np.float32))
