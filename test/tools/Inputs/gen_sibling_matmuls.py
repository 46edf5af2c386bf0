# Three sibling MatMuls reading one input (q / k / v projections), fused
# into one DPU layer by npu-fuse-sibling-matmuls; fused-sibling-names.test.
import numpy as np, onnx, sys
from onnx import helper as h, TensorProto as T, numpy_helper as nh
rng = np.random.default_rng(0)
inits = [nh.from_array((rng.standard_normal((64, 64)) * 0.1).astype(np.float32), n) for n in ("wq", "wk", "wv")]
nodes = [h.make_node("MatMul", ["x", "wq"], ["q"], name="q_proj"),
         h.make_node("MatMul", ["x", "wk"], ["k"], name="k_proj"),
         h.make_node("MatMul", ["x", "wv"], ["v"], name="v_proj"),
         h.make_node("Add", ["q", "k"], ["qk"], name="add1"),
         h.make_node("Add", ["qk", "v"], ["y"], name="add2")]
g = h.make_graph(nodes, "sib", [h.make_tensor_value_info("x", T.FLOAT, [1, 16, 64])],
                 [h.make_tensor_value_info("y", T.FLOAT, [1, 16, 64])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)]); m.ir_version = 8
onnx.save(m, sys.argv[1])
