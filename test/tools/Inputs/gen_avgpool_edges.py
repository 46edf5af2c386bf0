"""gen_avgpool_edges.py DIR: average pools whose edge windows divide by
fewer than the kernel size (ceil_mode windows passing the padded input,
padding not counted: ONNX's default), 2-d and 1-d, each after a
convolution, as DIR/pools.onnx, with an input DIR/x.npy and four
calibration samples in DIR/calib/."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(os.path.join(out, "calib"), exist_ok=True)
rng = np.random.default_rng(7)
w = nh.from_array((rng.standard_normal((16, 3, 3, 3)) * 0.3).astype(np.float32), "w")
nodes = [
    h.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
    # PyTorch's AvgPool2d(2, ceil_mode=True) on 9x11: the last row and
    # column windows hold one input row / column.
    h.make_node("AveragePool", ["c"], ["ceil"], kernel_shape=[2, 2],
                strides=[2, 2], ceil_mode=1, count_include_pad=1,
                name="pool_ceil"),
    # ONNX's default: padding is not counted.
    h.make_node("AveragePool", ["c"], ["exclude"], kernel_shape=[3, 3],
                strides=[1, 1], pads=[1, 1, 1, 1], name="pool_exclude"),
    h.make_node("Reshape", ["c", "shape"], ["c1d"], name="to_1d"),
    h.make_node("AveragePool", ["c1d"], ["one_d"], kernel_shape=[3],
                strides=[2], pads=[1, 1], ceil_mode=1, name="pool_1d"),
]
shape = nh.from_array(np.array([1, 16, 99], np.int64), "shape")
g = h.make_graph(
    nodes, "pools", [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 9, 11])],
    [h.make_tensor_value_info("ceil", T.FLOAT, [1, 16, 5, 6]),
     h.make_tensor_value_info("exclude", T.FLOAT, [1, 16, 9, 11]),
     h.make_tensor_value_info("one_d", T.FLOAT, [1, 16, 50])],
    [w, shape])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, os.path.join(out, "pools.onnx"))
np.save(os.path.join(out, "x.npy"), rng.standard_normal((1, 3, 9, 11)).astype(np.float32))
for i in range(4):
    np.save(os.path.join(out, "calib", "s%d.npy" % i),
            rng.standard_normal((1, 3, 9, 11)).astype(np.float32))
