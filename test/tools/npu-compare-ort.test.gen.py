"""Conv + BatchNormalization + Relu + Conv: the batch norm folds into the
first convolution, whose canonical result then holds the batch norm's
output."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)


def init(name, *shape, scale=0.3, offset=0.0):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) * scale + offset).astype(np.float32), name)


inits = [init("w1", 8, 3, 3, 3), init("b1", 8), init("g", 8, offset=1.0),
         init("beta", 8), init("mean", 8), init("var", 8, offset=2.0),
         init("w2", 4, 8, 1, 1)]
inits[5] = numpy_helper.from_array(np.abs(numpy_helper.to_array(inits[5])), "var")
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["conv_out"], name="conv",
                     pads=[1, 1, 1, 1]),
    helper.make_node("BatchNormalization", ["conv_out", "g", "beta", "mean", "var"],
                     ["bn_out"], name="bn"),
    helper.make_node("Relu", ["bn_out"], ["relu_out"], name="relu"),
    helper.make_node("Conv", ["relu_out", "w2"], ["y"], name="conv2"),
]
graph = helper.make_graph(
    nodes, "convbn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 12, 12])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
