#!/usr/bin/env python3
"""Writes the small ONNX models the importer's lit tests read.

Usage: gen_models.py NAME OUT.onnx   (run with /usr/bin/python3: needs onnx)
       gen_models.py --list

Every model is built with onnx.helper at test time, so no binary blobs are
checked in. Some models are deliberately broken (truncated files, cycles,
unknown operators, missing external data) for the diagnostics tests.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MODELS = {}
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def model(fn):
    MODELS[fn.__name__] = fn
    return fn


def vi(name, dims, elem=F):
    return helper.make_tensor_value_info(name, elem, dims)


def make(nodes, inputs, outputs, opset=13, inits=(), ir=None, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    kwargs = {"opset_imports": [helper.make_opsetid("", opset)],
              "producer_name": "gen_models"}
    m = helper.make_model(graph, **kwargs)
    m.ir_version = ir if ir is not None else min(m.ir_version, 8)
    return m


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def node(op, ins, outs, name=None, **attrs):
    return helper.make_node(op, ins, outs, name=name or outs[0], **attrs)


def single(op, in_dims, out_dims, opset=13, extra_inputs=(), inits=(),
           in_elem=F, out_elem=F, **attrs):
    """One node `op` reading x (plus extra inputs), writing y."""
    n = node(op, ["x"] + list(extra_inputs), ["y"], name="n", **attrs)
    return make([n], [vi("x", in_dims, in_elem)], [vi("y", out_dims, out_elem)],
                opset, inits)


# --- elementwise and activations --------------------------------------------

@model
def elementwise():
    nodes = [node("Add", ["a", "b"], ["s"]), node("Mul", ["s", "a"], ["m"]),
             node("Sum", ["a", "m", "s"], ["t"]), node("Mean", ["a", "t"], ["u"]),
             node("Max", ["u"], ["v"]), node("Less", ["v", "b"], ["c"]),
             node("Where", ["c", "a", "v"], ["w"]), node("Abs", ["w"], ["y"])]
    return make(nodes, [vi("a", [2, 3]), vi("b", [3])], [vi("y", [2, 3])])


@model
def legacy_broadcast():
    n = node("Add", ["a", "b"], ["y"], broadcast=1, axis=1)
    return make([n], [vi("a", [2, 3, 4]), vi("b", [3])], [vi("y", [2, 3, 4])],
                opset=6)


@model
def cast_ops():
    nodes = [node("Cast", ["x"], ["i"], to=TensorProto.INT32),
             node("CastLike", ["i", "h"], ["y"]),
             node("Dropout", ["x"], ["d", "mask"])]
    return make(nodes, [vi("x", [4]), vi("h", [1], TensorProto.FLOAT16)],
                [vi("y", [4], TensorProto.FLOAT16), vi("d", [4]),
                 vi("mask", [4], TensorProto.BOOL)])


@model
def activations():
    nodes = [node("LeakyRelu", ["x"], ["a"]), node("Elu", ["a"], ["b"], alpha=0.5),
             node("Selu", ["b"], ["c"]), node("HardSigmoid", ["c"], ["d"]),
             node("Gelu", ["d"], ["e"], approximate="tanh"),
             node("Mish", ["e"], ["y"])]
    return make(nodes, [vi("x", [2, 3])], [vi("y", [2, 3])], opset=20)


@model
def clip_attrs():
    return single("Clip", [4], [4], opset=6, min=-1.0, max=1.0)


@model
def clip_inputs():
    return single("Clip", [4], [4], opset=13, extra_inputs=["lo", "hi"],
                  inits=[const("lo", np.float32(0)), const("hi", np.float32(6))])


@model
def clip_data_dependent():
    nodes = [node("ReduceMax", ["x"], ["m"], keepdims=0),
             node("Sub", ["m", "eighty"], ["lo"]),
             node("Clip", ["x", "lo"], ["y"])]
    return make(nodes, [vi("x", [2, 4])], [vi("y", [2, 4])],
                inits=[const("eighty", np.float32(80))])


@model
def prelu_channel():
    return single("PRelu", [1, 3, 4, 4], [1, 3, 4, 4], opset=6,
                  extra_inputs=["slope"],
                  inits=[const("slope", np.ones(3, np.float32))])


# --- convolution, pooling, normalisation ------------------------------------

@model
def conv_same():
    w = const("w", np.ones((8, 2, 3, 3), np.float32))
    b = const("b", np.zeros(8, np.float32))
    return single("Conv", [1, 4, 7, 7], [1, 8, 4, 4], extra_inputs=["w", "b"],
                  inits=[w, b], auto_pad="SAME_UPPER", strides=[2, 2], group=2)


@model
def conv_dilated_1d():
    w = const("w", np.ones((2, 3, 3), np.float32))
    return single("Conv", [1, 3, 10], [1, 2, 7], extra_inputs=["w"], inits=[w],
                  dilations=[2], pads=[1, 0])


@model
def conv_transpose_output_shape():
    w = const("w", np.ones((1, 2, 3, 3), np.float32))
    return single("ConvTranspose", [1, 1, 3, 3], [1, 2, 10, 8],
                  extra_inputs=["w"], inits=[w], strides=[3, 2],
                  output_shape=[10, 8])


@model
def pooling():
    nodes = [node("MaxPool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2],
                  ceil_mode=1),
             node("AveragePool", ["a"], ["b"], kernel_shape=[2, 2], pads=[1, 1, 1, 1],
                  count_include_pad=1),
             node("GlobalAveragePool", ["b"], ["c"]),
             node("GlobalMaxPool", ["b"], ["d"])]
    return make(nodes, [vi("x", [1, 2, 8, 8])],
                [vi("c", [1, 2, 1, 1]), vi("d", [1, 2, 1, 1])])


@model
def maxpool_indices():
    n = node("MaxPool", ["x"], ["y", "idx"], name="pool1", kernel_shape=[2, 2])
    return make([n], [vi("x", [1, 1, 4, 4])],
                [vi("y", [1, 1, 3, 3]), vi("idx", [1, 1, 3, 3], I64)])


@model
def normalization():
    c = 3
    inits = [const(n, np.ones(c, np.float32)) for n in ["s", "b", "m", "v"]]
    inits.append(const("g", np.ones(4, np.float32)))
    nodes = [node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"],
                  epsilon=1e-3),
             node("InstanceNormalization", ["bn", "s", "b"], ["in"]),
             node("LayerNormalization", ["in", "g"], ["ln", "mean"], axis=-1),
             node("MeanVarianceNormalization", ["ln"], ["mvn"]),
             node("LpNormalization", ["mvn"], ["y"], axis=1, p=1)]
    return make(nodes, [vi("x", [2, c, 4, 4])],
                [vi("y", [2, c, 4, 4]), vi("mean", [2, c, 4, 1])], opset=17,
                inits=inits)


# Numerically hard normalisations (issue 9): models whose inputs
# (norm_reference.py writes them) have a large mean and a small spread, or
# are constant; norm_reference.py checks the outputs against float64.

@model
def norm_mvn():
    return single("MeanVarianceNormalization", [1, 1, 4, 4], [1, 1, 4, 4],
                  axes=[3])


@model
def norm_mvn_default_axes():
    return single("MeanVarianceNormalization", [2, 3, 2, 2], [2, 3, 2, 2])


@model
def norm_instance():
    inits = [const("s", np.array([1, 2, 0.5], np.float32)),
             const("b", np.array([0, 0.25, -1], np.float32))]
    return single("InstanceNormalization", [1, 3, 4], [1, 3, 4],
                  extra_inputs=["s", "b"], inits=inits)


@model
def norm_layer():
    inits = [const("s", np.array([1, 2, 0.5, 1], np.float32)),
             const("b", np.array([0, 0.25, -1, 0], np.float32))]
    return single("LayerNormalization", [4, 4], [4, 4], opset=17,
                  extra_inputs=["s", "b"], inits=inits, axis=-1)


@model
def norm_group18():
    inits = [const("s", np.array([1, 2], np.float32)),
             const("b", np.array([0, 0.25], np.float32))]
    return single("GroupNormalization", [1, 4, 2, 2], [1, 4, 2, 2], opset=18,
                  extra_inputs=["s", "b"], inits=inits, num_groups=2)


@model
def norm_group18_per_channel():
    """Opset 18 with a scale per channel (opset 21's form): invalid."""
    inits = [const("s", np.array([1, 2, 0.5, 1], np.float32)),
             const("b", np.array([0, 0.25, -1, 0], np.float32))]
    return single("GroupNormalization", [1, 4, 2, 2], [1, 4, 2, 2], opset=18,
                  extra_inputs=["s", "b"], inits=inits, num_groups=2)


@model
def norm_group21():
    inits = [const("s", np.array([1, 2, 0.5, 1], np.float32)),
             const("b", np.array([0, 0.25, -1, 0], np.float32))]
    return single("GroupNormalization", [2, 4, 2, 2], [2, 4, 2, 2], opset=21,
                  extra_inputs=["s", "b"], inits=inits, num_groups=2)


@model
def norm_batch():
    inits = [const("s", np.array([1, 2, 0.5], np.float32)),
             const("b", np.array([0, 0.25, -1], np.float32)),
             const("m", np.array([40001.5, 1e6, -2.5e5], np.float32)),
             const("v", np.array([1.25, 0.0025, 4], np.float32))]
    return single("BatchNormalization", [1, 3, 4], [1, 3, 4],
                  extra_inputs=["s", "b", "m", "v"], inits=inits)


@model
def norm_batch_training():
    inits = [const("s", np.array([1, 2, 0.5], np.float32)),
             const("b", np.array([0, 0.25, -1], np.float32)),
             const("m", np.array([40000, 1e6, 3], np.float32)),
             const("v", np.array([1, 2, 4], np.float32))]
    n = node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
             name="n", training_mode=1)
    return make([n], [vi("x", [2, 3, 2])],
                [vi("y", [2, 3, 2]), vi("rm", [3]), vi("rv", [3])], opset=15,
                inits=inits)


@model
def norm_lrn():
    return single("LRN", [1, 4, 3], [1, 4, 3], size=3, alpha=1e-4, beta=0.75,
                  bias=2.0)


@model
def batchnorm_training():
    inits = [const(n, np.ones(3, np.float32)) for n in ["s", "b", "m", "v"]]
    n = node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
             training_mode=1)
    return make([n], [vi("x", [2, 3, 4])],
                [vi("y", [2, 3, 4]), vi("rm", [3]), vi("rv", [3])], opset=15,
                inits=inits)


@model
def batchnorm_training_rank1():
    # Training mode on a rank-1 input: no channel axis (the fuzz smoke's
    # crash-batchnorm-training-rank1.onnx).
    inits = [const(n, np.ones(4, np.float32)) for n in ["s", "b", "m", "v"]]
    n = node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"],
             training_mode=1)
    return make([n], [vi("x", [4])], [vi("y", [4])], opset=15, inits=inits)


@model
def softmax_v11():
    return single("Softmax", [2, 3, 4], [2, 3, 4], opset=11, axis=1)


@model
def softmax_v13():
    return single("LogSoftmax", [2, 3, 4], [2, 3, 4], opset=13, axis=1)


# --- reductions -------------------------------------------------------------

@model
def reductions():
    nodes = [node("ReduceMean", ["x"], ["a"], axes=[-1], keepdims=0),
             node("ReduceSum", ["x", "axes"], ["b"]),
             node("ReduceMax", ["x"], ["c"]),
             node("ArgMax", ["x"], ["d"], axis=1, keepdims=0, select_last_index=1),
             node("TopK", ["x", "k"], ["e", "f"], axis=-1, largest=0),
             node("CumSum", ["x", "ax"], ["g"], reverse=1)]
    inits = [const("axes", np.array([0, 2], np.int64)),
             const("k", np.array([2], np.int64)), const("ax", np.int64(1))]
    return make(nodes, [vi("x", [2, 3, 4])],
                [vi("a", [2, 3]), vi("b", [1, 3, 1]), vi("c", [1, 1, 1]),
                 vi("d", [2, 4], I64), vi("e", [2, 3, 2]), vi("f", [2, 3, 2], I64),
                 vi("g", [2, 3, 4])], inits=inits)


@model
def reduce_noop():
    n = node("ReduceSum", ["x"], ["y"], noop_with_empty_axes=1)
    return make([n], [vi("x", [2, 3])], [vi("y", [2, 3])])


@model
def reduce_empty_axes():
    """Every Reduce op over empty axes with noop_with_empty_axes (opset 18):
    no reduction, but the element-wise part still applies. Axes missing
    (first ten) or given as an empty tensor (the `_t` outputs); without
    noop_with_empty_axes an empty axes tensor reduces over all axes."""
    ops = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
           "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum",
           "ReduceLogSumExp"]
    nodes, outs = [], []
    for op in ops:
        nodes.append(node(op, ["x"], [op], noop_with_empty_axes=1))
        nodes.append(node(op, ["x", "empty"], [op + "_t"],
                          noop_with_empty_axes=1))
        outs += [vi(op, [2, 3]), vi(op + "_t", [2, 3])]
    nodes.append(node("ReduceL1", ["x", "empty"], ["all_l1"], keepdims=0))
    outs.append(vi("all_l1", []))
    return make(nodes, [vi("x", [2, 3])], outs, opset=18,
                inits=[const("empty", np.zeros(0, np.int64))])


@model
def reduce_empty_axes_v13():
    """Opset 13: ReduceSum takes axes as an input (empty tensor or missing,
    with noop_with_empty_axes); the others take an attribute, and without
    one they reduce over all axes (they have no noop_with_empty_axes yet:
    l1_all's is not an attribute of ReduceL1-13)."""
    nodes = [node("ReduceSum", ["x", "empty"], ["sum_t"], noop_with_empty_axes=1),
             node("ReduceSum", ["x"], ["sum"], noop_with_empty_axes=1),
             node("ReduceSum", ["x", "empty"], ["sum_all"], keepdims=0),
             node("ReduceSumSquare", ["x"], ["ssq_all"], keepdims=0),
             node("ReduceL1", ["x"], ["l1_all"], keepdims=0,
                  noop_with_empty_axes=1),
             node("ReduceLogSum", ["x"], ["ls_rows"], axes=[1])]
    return make(nodes, [vi("x", [2, 3])],
                [vi("sum_t", [2, 3]), vi("sum", [2, 3]), vi("sum_all", []),
                 vi("ssq_all", []), vi("l1_all", []), vi("ls_rows", [2, 1])],
                inits=[const("empty", np.zeros(0, np.int64))])


# --- shapes, slices, gathers ------------------------------------------------

@model
def shapes():
    nodes = [node("Reshape", ["x", "shape"], ["r"]),
             node("Flatten", ["r"], ["f"], axis=2),
             node("Unsqueeze", ["f", "ax0"], ["u"]),
             node("Squeeze", ["u"], ["s"]),
             node("Transpose", ["s"], ["t"]),
             node("Shape", ["x"], ["sh"], start=1),
             node("Size", ["x"], ["sz"])]
    inits = [const("shape", np.array([0, -1, 2], np.int64)),
             const("ax0", np.array([0, -1], np.int64))]
    return make(nodes, [vi("x", [2, 3, 4])],
                [vi("t", [2, 12]), vi("sh", [2], I64), vi("sz", [], I64)],
                opset=15, inits=inits)


@model
def squeeze_v11():
    return single("Squeeze", [1, 3, 1], [3, 1], opset=11, axes=[0])


@model
def shape_chain():
    """A Reshape whose shape is computed by Shape/Gather/Concat, as
    exporters emit; needs the constant evaluator to see through it."""
    nodes = [node("Shape", ["x"], ["s"]),
             node("Gather", ["s", "zero"], ["n"], axis=0),
             node("Unsqueeze", ["n", "ax"], ["n1"]),
             node("Concat", ["n1", "minus1"], ["shape"], axis=0),
             node("Reshape", ["x", "shape"], ["y"])]
    inits = [const("zero", np.int64(0)), const("ax", np.array([0], np.int64)),
             const("minus1", np.array([-1], np.int64))]
    return make(nodes, [vi("x", [2, 3, 4])], [vi("y", [2, 12])], inits=inits)


@model
def concat_split():
    nodes = [node("Concat", ["a", "b"], ["c"], axis=-1),
             node("Split", ["c", "sizes"], ["p", "q"], axis=1),
             node("Split", ["c"], ["r", "s", "t"], axis=1, num_outputs=3)]
    inits = [const("sizes", np.array([1, 4], np.int64))]
    return make(nodes, [vi("a", [2, 2]), vi("b", [2, 3])],
                [vi("p", [2, 1]), vi("q", [2, 4]), vi("r", [2, 2]), vi("s", [2, 2]),
                 vi("t", [2, 1])], opset=18, inits=inits)


@model
def expand_tile():
    nodes = [node("Expand", ["x", "shape"], ["e"]),
             node("Tile", ["e", "reps"], ["y"])]
    inits = [const("shape", np.array([2, 1, 4], np.int64)),
             const("reps", np.array([1, 2, 1], np.int64))]
    return make(nodes, [vi("x", [3, 1])], [vi("y", [2, 6, 4])], inits=inits)


@model
def slices():
    nodes = [node("Slice", ["x", "st", "en", "ax", "sp"], ["a"]),
             node("Pad", ["a", "pads", "cv"], ["y"], mode="reflect")]
    inits = [const("st", np.array([-1, 1], np.int64)),
             const("en", np.array([-(2**63), 2**63 - 1], np.int64)),
             const("ax", np.array([2, 1], np.int64)),
             const("sp", np.array([-2, 1], np.int64)),
             const("pads", np.array([0, 0, 1, 0, 0, 1], np.int64)),
             const("cv", np.float32(0))]
    return make(nodes, [vi("x", [2, 3, 5])], [vi("y", [2, 2, 5])], inits=inits)


@model
def slice_huge_steps():
    # Steps of INT64_MIN and -(2^63 - 1) take one element each (found by
    # the onnx fuzzer: ceil(span / |step|) overflowed).
    nodes = [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])]
    inits = [const("st", np.array([2, 4], np.int64)),
             const("en", np.array([-(2**63), 0], np.int64)),
             const("ax", np.array([0, 1], np.int64)),
             const("sp", np.array([-(2**63), -(2**63 - 1)], np.int64))]
    return make(nodes, [vi("x", [3, 5])], [vi("y", [1, 1])], inits=inits)


@model
def slice_v9():
    return single("Slice", [4, 6], [2, 6], opset=9, starts=[1], ends=[3], axes=[0])


@model
def pad_v2():
    return single("Pad", [2, 2], [4, 3], opset=2, pads=[1, 0, 1, 1], value=1.5)


@model
def gathers():
    nodes = [node("Gather", ["x", "idx"], ["g"], axis=-1),
             node("GatherElements", ["x", "ge"], ["e"], axis=0),
             node("OneHot", ["hot", "depth", "vals"], ["o"], axis=0),
             node("Trilu", ["x"], ["t"], upper=0),
             node("Compress", ["x", "cond"], ["c"], axis=1),
             node("ScatterND", ["x", "sidx", "upd"], ["s"], reduction="add")]
    inits = [const("idx", np.array([[0, -1]], np.int64)),
             const("ge", np.zeros((1, 3), np.int64)),
             const("depth", np.float32(5)),
             const("vals", np.array([0, 1], np.float32)),
             const("cond", np.array([True, False, True])),
             const("sidx", np.array([[1]], np.int64)),
             const("upd", np.ones((1, 3), np.float32))]
    return make(nodes, [vi("x", [2, 3]), vi("hot", [4], I64)],
                [vi("g", [2, 1, 2]), vi("e", [1, 3]), vi("o", [5, 4]),
                 vi("t", [2, 3]), vi("c", [2, 2]), vi("s", [2, 3])],
                opset=16, inits=inits)


@model
def reverse_sequence():
    n = node("ReverseSequence", ["x", "lens"], ["y"], batch_axis=1, time_axis=0)
    return make([n], [vi("x", [3, 2])], [vi("y", [3, 2])],
                inits=[const("lens", np.array([3, 1], np.int64))])


# --- constants and tensors --------------------------------------------------

@model
def constants():
    nodes = [node("Constant", [], ["f"], value_float=2.5),
             node("Constant", [], ["i"], value_ints=[1, 2, 3]),
             node("ConstantOfShape", ["i"], ["z"],
                  value=helper.make_tensor("v", I64, [1], [7])),
             node("Range", ["start", "limit", "delta"], ["r"]),
             node("EyeLike", ["x"], ["eye"], k=1)]
    inits = [const("start", np.float32(1)), const("limit", np.float32(2)),
             const("delta", np.float32(0.25))]
    return make(nodes, [vi("x", [2, 3])],
                [vi("f", []), vi("z", [1, 2, 3], I64), vi("r", [4]),
                 vi("eye", [2, 3])], inits=inits)


@model
def tensor_types():
    """Initializers of every element type, in typed fields and raw_data."""
    arrays = {
        "f16": np.array([1.5, -2], np.float16), "f64": np.array([0.25], np.float64),
        "i8": np.array([-3, 4], np.int8), "u8": np.array([250, 3], np.uint8),
        "i16": np.array([-300], np.int16), "u16": np.array([60000], np.uint16),
        "i32": np.array([-7], np.int32), "u32": np.array([4000000000], np.uint32),
        "u64": np.array([2**63], np.uint64), "b": np.array([True, False]),
    }
    inits, outs = [], []
    for name, a in arrays.items():
        t = numpy_helper.from_array(a, name)           # raw_data
        typed = helper.make_tensor(name + "_t", t.data_type, a.shape,
                                   a.flatten().tolist())
        inits += [t, typed]
        outs += [vi(name, list(a.shape), t.data_type),
                 vi(name + "_t", list(a.shape), t.data_type)]
    bf = helper.make_tensor("bf16", TensorProto.BFLOAT16, [2], [1.5, -2.0])
    inits.append(bf)
    outs.append(vi("bf16", [2], TensorProto.BFLOAT16))
    return make([], [], outs, inits=inits)


@model
def initializer_input():
    """IR 3: an initializer listed as a graph input is a constant."""
    w = const("w", np.ones((2,), np.float32))
    n = node("Add", ["x", "w"], ["y"])
    return make([n], [vi("x", [2]), vi("w", [2])], [vi("y", [2])], opset=9,
                inits=[w], ir=3)


# --- 64-bit integers beyond 2^53 (exact end to end) -------------------------

BIG = 2**53 + 1          # the smallest integer a double rounds
U64 = TensorProto.UINT64


@model
def int64_clip():
    """Clip of int64 with bounds +-(2^53 + 1), on an input and on a constant
    (folded); Clip of uint64 with a bound above 2^63."""
    nodes = [node("Clip", ["x", "lo", "hi"], ["y"]),
             node("Clip", ["c", "lo", "hi"], ["yc"]),
             node("Clip", ["u", "", "uhi"], ["yu"])]
    inits = [const("lo", np.int64(-BIG)), const("hi", np.int64(BIG)),
             const("c", np.array([BIG + 1, -BIG - 2, BIG - 1], np.int64)),
             const("uhi", np.uint64(2**64 - 2))]
    return make(nodes, [vi("x", [6], I64), vi("u", [2], U64)],
                [vi("y", [6], I64), vi("yc", [3], I64), vi("yu", [2], U64)],
                inits=inits)


@model
def int64_range():
    """Range near 2^62, both directions (resolved at import time)."""
    nodes = [node("Range", ["s1", "l1", "d1"], ["up"]),
             node("Range", ["s2", "l2", "d2"], ["down"])]
    inits = [const("s1", np.int64(2**62)), const("l1", np.int64(2**62 + 10)),
             const("d1", np.int64(3)),
             const("s2", np.int64(2**62 + 1)), const("l2", np.int64(2**62 - 5)),
             const("d2", np.int64(-2))]
    return make(nodes, [], [vi("up", [4], I64), vi("down", [3], I64)],
                inits=inits)


@model
def int64_fill():
    """ConstantOfShape with int64 2^53 + 1 and uint64 2^63 + 1 values; Pad of
    an int64 input with constant_value 2^53 + 1."""
    nodes = [node("ConstantOfShape", ["shape"], ["z"],
                  value=numpy_helper.from_array(np.array([BIG], np.int64), "v")),
             node("ConstantOfShape", ["shape"], ["zu"],
                  value=numpy_helper.from_array(np.array([2**63 + 1], np.uint64),
                                                "vu")),
             node("Pad", ["x", "pads", "cv"], ["p"])]
    inits = [const("shape", np.array([3], np.int64)),
             const("pads", np.array([1, 2], np.int64)),
             const("cv", np.int64(BIG))]
    return make(nodes, [vi("x", [2], I64)],
                [vi("z", [3], I64), vi("zu", [3], U64), vi("p", [5], I64)],
                inits=inits)


@model
def int64_arith():
    """Add of int64 constants above 2^53 (folded); Max / Min / Where of an
    input with scalars above 2^53; Shrink of int64 (exact comparisons and
    bias)."""
    nodes = [node("Add", ["a", "b"], ["s"]),
             node("Max", ["x", "big"], ["mx"]),
             node("Min", ["x", "nbig"], ["mn"]),
             node("Less", ["x", "zero"], ["neg"]),
             node("Where", ["neg", "big", "x"], ["w"]),
             node("Shrink", ["x"], ["sh"], bias=1.0, lambd=0.5)]
    inits = [const("a", np.array([BIG, 2**62 + 3], np.int64)),
             const("b", np.array([2, -1], np.int64)),
             const("big", np.int64(BIG)), const("nbig", np.int64(-BIG)),
             const("zero", np.int64(0))]
    return make(nodes, [vi("x", [4], I64)],
                [vi("s", [2], I64), vi("mx", [4], I64), vi("mn", [4], I64),
                 vi("w", [4], I64), vi("sh", [4], I64)], opset=13, inits=inits)


@model
def int64_ignore_index():
    """NegativeLogLikelihoodLoss whose ignore_index is 2^53 + 1: a target of
    that value is ignored (not read as the class 2^53)."""
    n = node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"],
             reduction="none", ignore_index=BIG)
    return make([n], [vi("x", [2, 3]), vi("t", [2], I64)], [vi("loss", [2])],
                opset=13)


# --- initializers that are also graph inputs ---------------------------------

@model
def overridable_initializer():
    """IR 7: `w` is a graph input with an initializer (its default);
    y = x * w + 1."""
    nodes = [node("Mul", ["x", "w"], ["m"]), node("Add", ["m", "one"], ["y"])]
    inits = [const("w", np.array([2, 3, 4], np.float32)),
             const("one", np.float32(1))]
    return make(nodes, [vi("x", [3]), vi("w", [3])], [vi("y", [3])],
                inits=inits, ir=7)


@model
def overridable_shape():
    """IR 7: an overridable Reshape shape (needed at compile time) and an
    overridable int64 addend with a default above 2^53."""
    nodes = [node("Reshape", ["x", "shape"], ["y"]),
             node("Add", ["k", "k"], ["k2"])]
    inits = [const("shape", np.array([3, 2], np.int64)),
             const("k", np.array([BIG], np.int64))]
    return make(nodes, [vi("x", [2, 3]), vi("shape", [2], I64),
                        vi("k", [1], I64)],
                [vi("y", [3, 2]), vi("k2", [1], I64)], inits=inits, ir=7)


@model
def overridable_conv():
    """IR 7: convolution weights that are an overridable input (as older
    exporters write with keep_initializers_as_inputs)."""
    w = np.array([[1, 2], [3, -1], [0, 1]], np.float32).reshape(3, 2, 1, 1)
    return make([node("Conv", ["x", "w"], ["y"])],
                [vi("x", [1, 2, 3, 3]), vi("w", [3, 2, 1, 1])],
                [vi("y", [1, 3, 3, 3])], inits=[const("w", w)], ir=7)


@model
def overridable_mismatch():
    """IR 7: the declared input type disagrees with its initializer."""
    nodes = [node("Add", ["x", "w"], ["y"])]
    return make(nodes, [vi("x", [3]), vi("w", [4])], [vi("y", [3])],
                inits=[const("w", np.ones(3, np.float32))], ir=7)


def external(out, write_file, location="weights.bin", path=None):
    """`location` names the data; the bytes are written to `path` (default:
    that location in the model's folder) when `write_file`."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = numpy_helper.from_array(a, "w")
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in {"location": location, "offset": "8", "length": "24"}.items():
        e = t.external_data.add()
        e.key, e.value = k, v
    folder = os.path.dirname(os.path.abspath(out))
    if write_file:
        with open(path or os.path.join(folder, location), "wb") as f:
            f.write(b"\0" * 8 + a.tobytes())
    n = node("Add", ["x", "w"], ["y"], name="add_w")
    return make([n], [vi("x", [2, 3])], [vi("y", [2, 3])], inits=[t])


@model
def external_data(out):
    return external(out, True)


@model
def external_data_missing(out):
    return external(out, False)


@model
def external_data_absolute(out):
    """Data at an absolute path (it exists): refused, as ONNX refuses it."""
    folder = os.path.dirname(os.path.abspath(out))
    path = os.path.join(folder, "abs-weights.bin")
    return external(out, True, location=path, path=path)


@model
def external_data_parent(out):
    """Data in the folder above the model's, named with '..': refused."""
    folder = os.path.dirname(os.path.abspath(out))
    return external(out, True, location="../parent-weights.bin",
                    path=os.path.join(os.path.dirname(folder), "parent-weights.bin"))


@model
def external_data_link(out):
    """Data through a symbolic link in the model's folder to a file outside
    it: refused."""
    folder = os.path.dirname(os.path.abspath(out))
    outside = os.path.join(os.path.dirname(folder), "outside-weights.bin")
    link = os.path.join(folder, "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(outside, link)
    return external(out, True, location="link.bin", path=outside)


@model
def external_data_subfolder(out):
    """Data in a sub-folder of the model's: read."""
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(os.path.join(folder, "data"), exist_ok=True)
    return external(out, True, location="data/weights.bin")


# --- control flow, quantization, losses -------------------------------------

def branch(name, value):
    n = helper.make_node("Constant", [], [name + "_out"], name=name,
                         value=numpy_helper.from_array(np.asarray(value, np.float32)))
    return helper.make_graph([n], name, [], [vi(name + "_out", [len(value)])])


@model
def if_runtime():
    n = node("If", ["c"], ["y"], then_branch=branch("then", [1, 2]),
             else_branch=branch("else", [3, 4]))
    return make([n], [vi("c", [], TensorProto.BOOL)], [vi("y", [2])], opset=11)


@model
def if_static():
    """Branches of different shapes: the condition must be constant."""
    nodes = [node("Constant", [], ["c"], value=numpy_helper.from_array(np.array(False))),
             node("If", ["c"], ["y"], then_branch=branch("then", [1, 2, 3]),
                  else_branch=branch("else", [4, 5]))]
    return make(nodes, [], [vi("y", [2])], opset=11)


@model
def quantization():
    nodes = [node("QuantizeLinear", ["x", "s"], ["q"]),
             node("DequantizeLinear", ["q", "s", "zp"], ["d"]),
             node("DynamicQuantizeLinear", ["d"], ["y", "ys", "yzp"])]
    inits = [const("s", np.float32(0.5)), const("zp", np.uint8(0))]
    return make(nodes, [vi("x", [2, 2])],
                [vi("y", [2, 2], TensorProto.UINT8), vi("ys", []),
                 vi("yzp", [], TensorProto.UINT8)], inits=inits)


@model
def qlinear_contrib():
    """ONNX Runtime's com.microsoft QLinearAdd / QLinearMul / QLinearConcat /
    QLinearGlobalAveragePool; the last with channels_last = 1 (unsupported)."""
    ms = "com.microsoft"
    p = ["s", "zp"]
    nodes = [node("QLinearAdd", ["a"] + p + ["b"] + p + ["s2", "zp"], ["sum"],
                  domain=ms),
             node("QLinearMul", ["sum", "s2", "zp", "a"] + p + p, ["prod"],
                  domain=ms),
             node("QLinearConcat", p + ["sum", "s2", "zp", "prod"] + p,
                  ["cat"], domain=ms, axis=1),
             node("QLinearGlobalAveragePool", ["cat"] + p + p, ["g"],
                  domain=ms),
             node("QLinearGlobalAveragePool", ["cat"] + p + p, ["bad"],
                  domain=ms, channels_last=1)]
    inits = [const("s", np.float32(0.5)), const("s2", np.float32(0.25)),
             const("zp", np.uint8(128))]
    U8 = TensorProto.UINT8
    m = make(nodes, [vi("a", [1, 2, 3, 3], U8), vi("b", [1, 2, 3, 3], U8)],
             [vi("g", [1, 4, 1, 1], U8), vi("bad", [1, 4, 1, 1], U8)],
             inits=inits)
    m.opset_import.append(helper.make_opsetid(ms, 1))
    return m


@model
def losses():
    nodes = [node("SoftmaxCrossEntropyLoss", ["x", "t"], ["loss", "logp"],
                  ignore_index=1),
             node("NegativeLogLikelihoodLoss", ["logp", "t", "w"], ["nll"],
                  reduction="sum")]
    return make(nodes, [vi("x", [2, 3, 4]), vi("t", [2, 4], I64)],
                [vi("loss", []), vi("logp", [2, 3, 4]), vi("nll", [])],
                inits=[const("w", np.ones(3, np.float32))])


# --- resize -----------------------------------------------------------------

@model
def resize_sizes():
    """What PyTorch exports for interpolate(size=10, mode='nearest'):
    Resize with sizes, asymmetric, floor."""
    return single("Resize", [1, 1, 1, 30], [1, 1, 1, 10], opset=13,
                  extra_inputs=["", "", "sizes"], mode="nearest",
                  coordinate_transformation_mode="asymmetric",
                  nearest_mode="floor",
                  inits=[const("sizes", np.array([1, 1, 1, 10], np.int64))])


def alternating(shape):
    """0, 1, 0, 2, 0, 3, ...: every other sample is 0, so a tap weight that
    is off by a rounding error shows."""
    n = int(np.prod(shape))
    a = np.where(np.arange(n) % 2 == 0, 0, np.arange(n) // 2 + 1)
    return a.astype(np.float32).reshape(shape)


# name, input shape, sizes, attributes (and axes, roi where given). Each
# (input, output) length pair makes the float32 (and, for the marked ones,
# the float64) scale output/input pick another sample than the exact ratio.
RESIZE_EXACT_CASES = [
    ("asym_floor", [1, 1, 1, 30], [1, 1, 1, 10],
     dict(coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
    ("asym_floor_2d", [1, 1, 14, 28], [1, 1, 18, 36],  # float64 too
     dict(coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
    ("asym_ceil", [1, 1, 1, 20], [1, 1, 1, 28],  # float64 too
     dict(coordinate_transformation_mode="asymmetric", nearest_mode="ceil")),
    ("asym_round_floor", [1, 1, 1, 3], [1, 1, 1, 10],
     dict(coordinate_transformation_mode="asymmetric")),
    ("asym_round_ceil", [1, 1, 1, 3], [1, 1, 1, 8],
     dict(coordinate_transformation_mode="asymmetric",
          nearest_mode="round_prefer_ceil")),
    ("half_floor", [1, 1, 7, 3], [1, 1, 9, 11],  # float64 too (7 -> 9)
     dict(nearest_mode="floor")),
    ("half_ceil", [1, 1, 1, 3], [1, 1, 1, 5], dict(nearest_mode="ceil")),
    ("half_round_floor", [1, 1, 1, 6], [1, 1, 1, 7], dict()),
    ("half_round_ceil", [1, 1, 1, 6], [1, 1, 1, 11],
     dict(nearest_mode="round_prefer_ceil")),
    ("pytorch_round_ceil", [1, 1, 1, 10], [1, 1, 1, 3],
     dict(coordinate_transformation_mode="pytorch_half_pixel",
          nearest_mode="round_prefer_ceil")),
    ("corners_floor", [1, 1, 1, 3], [1, 1, 1, 11],
     dict(coordinate_transformation_mode="align_corners", nearest_mode="floor")),
    ("corners_round", [1, 1, 1, 5], [1, 1, 1, 9],
     dict(coordinate_transformation_mode="align_corners")),
    ("symmetric_floor", [1, 1, 1, 6], [1, 1, 1, 10],
     dict(coordinate_transformation_mode="half_pixel_symmetric",
          nearest_mode="floor")),
    ("symmetric_ceil", [1, 1, 1, 3], [1, 1, 1, 7],
     dict(coordinate_transformation_mode="half_pixel_symmetric",
          nearest_mode="ceil")),
    ("crop_floor", [1, 1, 1, 3], [1, 1, 1, 11],
     dict(coordinate_transformation_mode="tf_crop_and_resize",
          nearest_mode="floor", roi=[0, 0, 0, 0, 1, 1, 1, 1])),
    ("linear_asym", [1, 1, 1, 30], [1, 1, 1, 10],
     dict(mode="linear", coordinate_transformation_mode="asymmetric")),
    ("linear_half", [1, 1, 7, 6], [1, 1, 9, 5], dict(mode="linear")),
    ("linear_pytorch", [1, 1, 1, 6], [1, 1, 1, 7],
     dict(mode="linear", coordinate_transformation_mode="pytorch_half_pixel")),
    ("linear_corners", [1, 1, 1, 3], [1, 1, 1, 11],
     dict(mode="linear", coordinate_transformation_mode="align_corners")),
    ("linear_symmetric", [1, 1, 1, 6], [1, 1, 1, 10],
     dict(mode="linear", coordinate_transformation_mode="half_pixel_symmetric")),
    ("linear_crop", [1, 1, 3, 5], [1, 1, 11, 9],
     dict(mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
          roi=[0, 0, -0.25, 0, 1, 1, 1.25, 1], extrapolation_value=-1.0)),
    ("cubic_half", [1, 1, 1, 6], [1, 1, 1, 7], dict(mode="cubic")),
    ("cubic_asym", [1, 1, 1, 30], [1, 1, 1, 10],
     dict(mode="cubic", coordinate_transformation_mode="asymmetric")),
    ("cubic_corners_exclude", [1, 1, 1, 3], [1, 1, 1, 11],
     dict(mode="cubic", coordinate_transformation_mode="align_corners",
          cubic_coeff_a=-0.5, exclude_outside=1)),
    # keep_aspect_ratio_policy: the scale is one axis' exact ratio (7/10),
    # the sizes round(scale * input) = [7, 14].
    ("not_larger_ceil", [1, 1, 10, 20], [7, 100],
     dict(axes=[2, 3], keep_aspect_ratio_policy="not_larger",
          coordinate_transformation_mode="asymmetric", nearest_mode="ceil")),
    ("not_smaller_half", [1, 1, 6, 4], [1, 3],
     dict(axes=[2, 3], keep_aspect_ratio_policy="not_smaller",
          coordinate_transformation_mode="half_pixel", nearest_mode="floor")),
    ("axes_floor", [1, 1, 2, 30], [10],
     dict(axes=[-1], coordinate_transformation_mode="asymmetric",
          nearest_mode="floor")),
]


@model
def resize_bad_sizes():
    return single("Resize", [1, 1, 2, 4], [1, 1, 0, 4], opset=13,
                  extra_inputs=["", "", "sizes"],
                  inits=[const("sizes", np.array([1, 1, 0, 4], np.int64))])


@model
def resize_exact_ratios():
    """One Resize with sizes per case of RESIZE_EXACT_CASES, on constant
    data; resize_reference.py computes what the spec gives."""
    nodes, outs, inits = [], [], []
    for name, shape, sizes, attrs in RESIZE_EXACT_CASES:
        attrs = dict(attrs)
        attrs.setdefault("mode", "nearest")
        roi = attrs.pop("roi", None)
        inits.append(const("x_" + name, alternating(shape)))
        inits.append(const("sizes_" + name, np.array(sizes, np.int64)))
        ins = ["x_" + name, "", "", "sizes_" + name]
        if roi is not None:
            inits.append(const("roi_" + name, np.array(roi, np.float32)))
            ins[1] = "roi_" + name
        nodes.append(node("Resize", ins, ["y_" + name], **attrs))
        outs.append(vi("y_" + name, None))
    return make(nodes, [], outs, opset=19, inits=inits)


def nearest_by_scales(op, in_dims, out_dims, opset, scales):
    return single(op, in_dims, out_dims, opset=opset, extra_inputs=["scales"],
                  mode="nearest",
                  inits=[const("scales", np.array(scales, np.float32))])


@model
def resize10_downsample():
    """ONNX's opset-10 test resize_downsample_nearest."""
    return nearest_by_scales("Resize", [1, 1, 2, 4], [1, 1, 1, 2], 10,
                             [1, 1, 0.6, 0.6])


@model
def resize13_simple():
    """`simple` is the dialect's name for Resize-10's rounding, not a
    nearest_mode of Resize-11 and later."""
    return single("Resize", [1, 1, 2, 2], [1, 1, 4, 4], opset=13,
                  extra_inputs=["", "scales"], nearest_mode="simple",
                  inits=[const("scales", np.array([1, 1, 2, 2], np.float32))])


@model
def resize10_down75():
    return nearest_by_scales("Resize", [1, 1, 1, 8], [1, 1, 1, 6], 10,
                             [1, 1, 1, 0.75])


@model
def resize_legacy():
    """Resize-10 and Upsample: asymmetric coordinates; nearest takes the
    floor when a dimension is upsampled and the ceiling when it is
    downsampled (ONNX's opset-10 tests, ONNX Runtime)."""
    inits = [const("x44", np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)),
             const("x8", np.arange(8, dtype=np.float32).reshape(1, 1, 1, 8)),
             const("x24", np.arange(1, 9, dtype=np.float32).reshape(1, 1, 2, 4)),
             const("mixed", np.array([1, 1, 0.6, 2], np.float32)),
             const("down75", np.array([1, 1, 1, 0.75], np.float32)),
             const("down6", np.array([1, 1, 0.6, 0.6], np.float32))]
    nodes = [node("Resize", ["x44", "mixed"], ["mixed10"], mode="nearest"),
             node("Resize", ["x8", "down75"], ["down10"], mode="nearest"),
             node("Resize", ["x24", "down6"], ["linear10"], mode="linear")]
    outs = [vi("mixed10", [1, 1, 2, 8]),
            vi("down10", [1, 1, 1, 6]), vi("linear10", [1, 1, 1, 2])]
    return make(nodes, [], outs, opset=10, inits=inits)


@model
def upsample9():
    """ONNX's test upsample_nearest: scales 2 and 3 repeat (floor)."""
    return nearest_by_scales("Upsample", [1, 1, 2, 2], [1, 1, 4, 6], 9,
                             [1, 1, 2, 3])


@model
def upsample7():
    return single("Upsample", [1, 1, 2, 2], [1, 1, 4, 6], opset=7,
                  mode="nearest", scales=[1.0, 1.0, 2.0, 3.0])


# --- graphs and diagnostics -------------------------------------------------

@model
def unsorted():
    """Nodes listed consumers first: the importer sorts them."""
    nodes = [node("Relu", ["t"], ["y"], name="second"),
             node("Neg", ["x"], ["t"], name="first")]
    return make(nodes, [vi("x", [2])], [vi("y", [2])])


@model
def cycle():
    nodes = [node("Relu", ["b"], ["a"], name="loop_a"),
             node("Neg", ["a"], ["b"], name="loop_b"),
             node("Abs", ["x"], ["y"], name="ok")]
    return make(nodes, [vi("x", [2])], [vi("y", [2])])


# --- recurrent layers ---------------------------------------------------------

def rnn_weights(shape, seed):
    return np.random.default_rng(seed).uniform(-0.5, 0.5, shape).astype(
        np.float32)


@model
def lstm_batchwise():
    """LSTM in layout 1 (batch first) with peepholes and every output."""
    h, i, b, t = 4, 3, 2, 5
    inits = [const("W", rnn_weights([1, 4 * h, i], 1)),
             const("R", rnn_weights([1, 4 * h, h], 2)),
             const("B", rnn_weights([1, 8 * h], 3)),
             const("P", rnn_weights([1, 3 * h], 4))]
    n = node("LSTM", ["x", "W", "R", "B", "", "h0", "c0", "P"],
             ["y", "yh", "yc"], name="lstm", hidden_size=h, layout=1)
    return make([n], [vi("x", [b, t, i]), vi("h0", [b, 1, h]),
                      vi("c0", [b, 1, h])],
                [vi("y", [b, t, 1, h]), vi("yh", [b, 1, h]),
                 vi("yc", [b, 1, h])], opset=14, inits=inits)


@model
def gru_bidirectional():
    """Bidirectional GRU with alpha and beta only for the HardSigmoid, clip,
    linear_before_reset, Y_h only."""
    h, i = 4, 3
    inits = [const("W", rnn_weights([2, 3 * h, i], 5)),
             const("R", rnn_weights([2, 3 * h, h], 6))]
    n = node("GRU", ["x", "W", "R"], ["", "yh"], name="gru", hidden_size=h,
             direction="bidirectional",
             activations=["HardSigmoid", "tanh", "Sigmoid", "Tanh"],
             activation_alpha=[0.3], activation_beta=[0.6], clip=5.0,
             linear_before_reset=1)
    return make([n], [vi("x", [5, 2, i])], [vi("yh", [2, 2, h])], opset=7,
                inits=inits)


@model
def lstm_full():
    """Bidirectional LSTM: constant sequence_lens, initial states, peepholes,
    clip and input_forget (test/tools/recurrent.test)."""
    h, i = 4, 3
    inits = [const("W", rnn_weights([2, 4 * h, i], 9)),
             const("R", rnn_weights([2, 4 * h, h], 10)),
             const("B", rnn_weights([2, 8 * h], 11)),
             const("len", np.array([5, 3], np.int32)),
             const("P", rnn_weights([2, 3 * h], 12))]
    n = node("LSTM", ["x", "W", "R", "B", "len", "h0", "c0", "P"],
             ["y", "yh", "yc"], name="lstm", hidden_size=h,
             direction="bidirectional", clip=1.5, input_forget=1)
    return make([n], [vi("x", [5, 2, i]), vi("h0", [2, 2, h]),
                      vi("c0", [2, 2, h])],
                [vi("y", [5, 2, 2, h]), vi("yh", [2, 2, h]),
                 vi("yc", [2, 2, h])], opset=14, inits=inits)


@model
def gru_reverse_lengths():
    """Reverse GRU, sequence_lens an input, HardSigmoid and ScaledTanh with
    their alphas and betas, linear_before_reset."""
    h, i = 4, 3
    inits = [const("W", rnn_weights([1, 3 * h, i], 13)),
             const("R", rnn_weights([1, 3 * h, h], 14)),
             const("B", rnn_weights([1, 6 * h], 15))]
    n = node("GRU", ["x", "W", "R", "B", "len"], ["y", "yh"], name="gru",
             hidden_size=h, direction="reverse", linear_before_reset=1,
             activations=["HardSigmoid", "ScaledTanh"],
             activation_alpha=[0.3, 0.8], activation_beta=[0.6, 1.2])
    return make([n], [vi("x", [5, 2, i]), vi("len", [2], TensorProto.INT32)],
                [vi("y", [5, 1, 2, h]), vi("yh", [1, 2, h])], opset=22,
                inits=inits)


@model
def rnn_bidirectional_lengths():
    """Bidirectional RNN, sequence_lens an input, LeakyRelu and Affine."""
    h, i = 4, 3
    inits = [const("W", rnn_weights([2, h, i], 16)),
             const("R", rnn_weights([2, h, h], 17)),
             const("B", rnn_weights([2, 2 * h], 18))]
    n = node("RNN", ["x", "W", "R", "B", "len", "h0"], ["y", "yh"],
             name="rnn", hidden_size=h, direction="bidirectional",
             activations=["LeakyRelu", "Affine"], activation_alpha=[0.1, 0.7],
             activation_beta=[0.2])
    return make([n], [vi("x", [5, 2, i]), vi("len", [2], TensorProto.INT32),
                      vi("h0", [2, 2, h])],
                [vi("y", [5, 2, 2, h]), vi("yh", [2, 2, h])], opset=7,
                inits=inits)


@model
def lstm_activations():
    """LSTM with the activations the back end composes: Softsign, Elu (alpha
    0.5) and Softplus; initial states."""
    h, i = 4, 3
    inits = [const("W", rnn_weights([1, 4 * h, i], 19)),
             const("R", rnn_weights([1, 4 * h, h], 20)),
             const("B", rnn_weights([1, 8 * h], 21))]
    n = node("LSTM", ["x", "W", "R", "B", "", "h0"], ["y", "yh"],
             name="lstm", hidden_size=h,
             activations=["Softsign", "Elu", "Softplus"],
             activation_alpha=[0.5])
    return make([n], [vi("x", [5, 2, i]), vi("h0", [1, 2, h])],
                [vi("y", [5, 1, 2, h]), vi("yh", [1, 2, h])], opset=14,
                inits=inits)


def rnn_with(**attrs):
    """A forward RNN (hidden 4) with extra attributes."""
    inits = [const("W", rnn_weights([1, 4, 3], 7)),
             const("R", rnn_weights([1, 4, 4], 8))]
    n = node("RNN", ["x", "W", "R"], ["y"], name="rnn", hidden_size=4,
             **attrs)
    return make([n], [vi("x", [5, 2, 3])], [vi("y", [5, 1, 2, 4])],
                inits=inits)


@model
def rnn_thresholded_relu():
    """A forward RNN (hidden 4) whose activation is ThresholdedRelu (alpha
    0.3), which has a SHAVE kernel of its own."""
    return rnn_with(activations=["ThresholdedRelu"], activation_alpha=[0.3])


@model
def rnn_bad_direction():
    return rnn_with(direction="sideways")


@model
def rnn_bad_activation():
    return rnn_with(activations=["Swish"])


@model
def unsupported_ops():
    nodes = [node("Scan", ["x"], ["a"], name="scan_1"),
             node("Scan", ["a"], ["b"], name="scan_2"),
             node("Foo", ["b"], ["c"], name="x_foo"),
             helper.make_node("FusedConv", ["c"], ["y"], name="fc",
                              domain="com.microsoft")]
    return make(nodes, [vi("x", [2])], [vi("y", [2])])


@model
def bad_attribute():
    return single("Resize", [1, 1, 2, 2], [1, 1, 4, 4], opset=13,
                  extra_inputs=["", "scales"], mode="bicubic-ish",
                  inits=[const("scales", np.array([1, 1, 2, 2], np.float32))])


@model
def bad_reshape():
    n = node("Reshape", ["x", "shape"], ["y"], name="reshape_bad")
    return make([n], [vi("x", [2, 3])], [vi("y", [4, 2])],
                inits=[const("shape", np.array([4, 2], np.int64))])


@model
def bad_conv():
    w = const("w", np.ones((4, 5, 3, 3), np.float32))
    return single("Conv", [1, 3, 8, 8], [1, 4, 6, 6], extra_inputs=["w"], inits=[w])


@model
def dynamic_reshape():
    n = node("Reshape", ["x", "shape"], ["y"], name="reshape_dyn")
    return make([n], [vi("x", [2, 3]), vi("shape", [2], I64)], [vi("y", [3, 2])])


@model
def symbolic():
    nodes = [node("Add", ["x", "z"], ["y"])]
    return make(nodes, [vi("x", ["N", 3, "H"]), vi("z", [1, "C", 1]), vi("w", [])],
                [vi("y", ["N", 3, "H"])])


@model
def string_input():
    return single("Identity", [2], [2], in_elem=TensorProto.STRING,
                  out_elem=TensorProto.STRING)


@model
def string_constant():
    n = node("Constant", [], ["y"], name="str", value_strings=["a"])
    return make([n], [], [vi("y", [1], TensorProto.STRING)])


@model
def truncated(out):
    data = elementwise().SerializeToString()
    return data[: len(data) // 2]


@model
def not_onnx(out):
    return b"\x0a\xff\xff\xff\xff\x0f garbage"


# --- sizes: tensors too large to count or to hold ---------------------------

@model
def huge_constant_of_shape():
    """ConstantOfShape of 2^36 floats feeding ReduceSum (256 GiB)."""
    nodes = [node("ConstantOfShape", ["s"], ["c"],
                  value=helper.make_tensor("v", F, [1], [1.0])),
             node("ReduceSum", ["c"], ["y"], keepdims=0)]
    return make(nodes, [], [vi("y", [])],
                inits=[const("s", np.array([2 ** 36], np.int64))])


@model
def huge_expand():
    """Expand of a [1,1] input to [2^20, 2^20] (4 TiB) feeding ReduceMax."""
    nodes = [node("Expand", ["x", "s"], ["e"]),
             node("ReduceMax", ["e"], ["y"], keepdims=0)]
    return make(nodes, [vi("x", [1, 1])], [vi("y", [])],
                inits=[const("s", np.array([2 ** 20, 2 ** 20], np.int64))])


def op_with_int64_operand(op, x_dims, name, values):
    """One `op` node of a float input x[x_dims] and an int64 initializer."""
    n = node(op, ["x", name], ["y"])
    return make([n], [vi("x", x_dims)], [vi("y", None)],
                inits=[const(name, np.array(values, np.int64))])


@model
def range_not_finite():
    """Range over float32 with limit NaN: no element count exists."""
    n = node("Range", ["start", "limit", "delta"], ["y"])
    return make([n], [], [vi("y", None)],
                inits=[const("start", np.array(0, np.float32)),
                       const("limit", np.array(np.nan, np.float32)),
                       const("delta", np.array(1, np.float32))])


@model
def depthwise_huge_pads():
    """Depthwise 3x3 conv whose H stride equals its pads, 2^40: three
    output rows (zeros, the sums of input rows 0-2, zeros) of a padded
    plane of 2^41 rows."""
    n = node("Conv", ["x", "w"], ["y"], group=4, pads=[2 ** 40, 0, 2 ** 40, 0],
             strides=[2 ** 40, 1])
    return make([n], [vi("x", [1, 4, 8, 8])], [vi("y", None)],
                inits=[const("w", np.ones((4, 1, 3, 3), np.float32))])


@model
def resize_huge_roi():
    """tf_crop_and_resize with an roi end of 1e30 along H: the second row
    samples far outside the input, so it is the extrapolation value."""
    roi = np.array([0, 0, 0, 0, 1, 1, 1e30, 1], np.float32)
    return single("Resize", [1, 1, 2, 2], [1, 1, 2, 2], opset=13,
                  extra_inputs=["roi", "", "sizes"],
                  coordinate_transformation_mode="tf_crop_and_resize",
                  mode="linear", extrapolation_value=-7.0,
                  inits=[const("roi", roi),
                         const("sizes", np.array([1, 1, 2, 2], np.int64))])


@model
def huge_initializer_without_data():
    """An initializer declared float[2^39] (2 TiB) whose values are missing:
    40 bytes of model that once made the importer reserve the 2 TiB."""
    w = TensorProto()
    w.name = "w"
    w.data_type = F
    w.dims.extend([2 ** 39])
    nodes = [node("ReduceSum", ["w"], ["y"], keepdims=0)]
    return make(nodes, [], [vi("y", [])], inits=[w])


@model
def split_huge_num_outputs():
    """Split-18 with num_outputs = 2^40 but two outputs: the attribute once
    sized a list of 2^40 split sizes."""
    n = node("Split", ["x"], ["a", "b"], num_outputs=2 ** 40)
    return make([n], [vi("x", [4])], [vi("a", None), vi("b", None)],
                opset=18)


@model
def reshape_overflowing_shape():
    """Reshape to [2^62, 2^62]: the requested element count overflows."""
    return op_with_int64_operand("Reshape", [2, 3], "s", [2 ** 62, 2 ** 62])


@model
def range_too_long():
    """Range 0 .. 2^24 + 1 (int64): one element past the importer's limit."""
    n = node("Range", ["s", "l", "d"], ["y"])
    return make([n], [], [vi("y", None, I64)],
                inits=[const("s", np.array(0, np.int64)),
                       const("l", np.array(2 ** 24 + 1, np.int64)),
                       const("d", np.array(1, np.int64))])


@model
def range_at_limit():
    """Range of 2^24 floats feeding ReduceMax: the largest Range allowed."""
    nodes = [node("Range", ["s", "l", "d"], ["r"]),
             node("ReduceMax", ["r"], ["y"], keepdims=0)]
    return make(nodes, [], [vi("y", [])],
                inits=[const("s", np.array(0, np.float32)),
                       const("l", np.array(2 ** 24, np.float32)),
                       const("d", np.array(1, np.float32))])


@model
def eyelike_huge():
    """EyeLike of an input declared [2^20, 2^20]: a 2^40-element constant."""
    n = node("EyeLike", ["x"], ["y"])
    return make([n], [vi("x", [2 ** 20, 2 ** 20])], [vi("y", None)])


@model
def overflowing_input():
    """LogSoftmax (opset 11, axis 0) over an input declared [3, 4, 2^63-1]."""
    n = node("LogSoftmax", ["x"], ["y"], axis=0)
    return make([n], [vi("x", [3, 4, 2 ** 63 - 1])], [vi("y", None)], opset=11)


@model
def overflowing_tile():
    """Tile whose repeats make the element count overflow 64 bits."""
    return op_with_int64_operand("Tile", [2, 3], "r", [2 ** 40, 2 ** 40])


@model
def tile_dimension_overflow():
    """Tile whose repeats overflow one dimension (4 x 2^62 wraps to 0)."""
    return op_with_int64_operand("Tile", [4], "r", [2 ** 62])


@model
def pool_huge_pads():
    """MaxPool whose pads overflow the padded size."""
    n = node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2],
             pads=[2 ** 62, 2 ** 62, 2 ** 62, 2 ** 62])
    return make([n], [vi("x", [1, 1, 4, 4])], [vi("y", None)])


@model
def pad_huge_pads():
    """Pad whose two pads of one dimension sum past 64 bits (found by the
    onnx fuzzer, with a reflect Pad after a Slice)."""
    return op_with_int64_operand("Pad", [2, 3], "pads", [2 ** 62, 0, 2 ** 62, 0])


@model
def concat_huge():
    """Concat of two uint8 inputs of 2^62 elements along their only axis."""
    n = node("Concat", ["a", "b"], ["y"], axis=0)
    u8 = TensorProto.UINT8
    return make([n], [vi("a", [2 ** 62], u8), vi("b", [2 ** 62], u8)], [vi("y", None)])


@model
def depth_to_space_huge_block():
    """DepthToSpace with a blocksize whose square overflows."""
    n = node("DepthToSpace", ["x"], ["y"], blocksize=2 ** 32)
    return make([n], [vi("x", [1, 4, 2, 2])], [vi("y", None)])


@model
def maxunpool_rank1():
    """MaxUnpool over a rank-1 input (needs N x C x spatial)."""
    n = node("MaxUnpool", ["x", "i"], ["y"], kernel_shape=[2])
    return make([n], [vi("x", [4]), vi("i", [4], I64)], [vi("y", None)],
                opset=11)


@model
def resize_huge_scale():
    """Resize whose float scale asks for an output size beyond int64."""
    n = node("Resize", ["x", "", "s"], ["y"], mode="nearest")
    return make([n], [vi("x", [1, 1, 4, 4])], [vi("y", None)],
                inits=[const("s", np.array([1, 1, 1e30, 1], np.float32))])


@model
def misspelt_attribute():
    """A Conv whose kernel_shape is misspelt (the weight gives the kernel)
    and a Relu with an attribute it does not have."""
    w = const("w", np.ones((4, 3, 3, 3), np.float32))
    return make([node("Conv", ["x", "w"], ["c"], kernal_shape=[3, 3],
                      pads=[1, 1, 1, 1]),
                 node("Relu", ["c"], ["y"], alpha=0.1, beta=2.0)],
                [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])], inits=[w])


@model
def avgpool_pad_ge_kernel():
    """AveragePool whose padding is as wide as its window."""
    return single("AveragePool", [1, 1, 4, 4], [1, 1, 5, 5],
                  kernel_shape=[2, 2], pads=[2, 2, 1, 1])


@model
def no_default_opset():
    """A Relu in a model whose opset_import names only another domain."""
    m = make([node("Relu", ["x"], ["y"])], [vi("x", [4])], [vi("y", [4])])
    del m.opset_import[:]
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    return m


@model
def sparse_initializer():
    """A MatMul whose weights are a sparse initializer."""
    values = numpy_helper.from_array(np.array([1.0, 2.0], np.float32), "w")
    indices = numpy_helper.from_array(np.array([0, 5], np.int64), "w_idx")
    sparse = helper.make_sparse_tensor(values, indices, [2, 3])
    g = helper.make_graph([node("MatMul", ["x", "w"], ["y"])], "g",
                          [vi("x", [1, 2])], [vi("y", [1, 3])])
    g.sparse_initializer.append(sparse)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(sorted(MODELS)))
        return 0
    if len(argv) != 3 or argv[1] not in MODELS:
        print("usage: gen_models.py NAME OUT.onnx (NAME from --list)",
              file=sys.stderr)
        return 2
    fn, out = MODELS[argv[1]], argv[2]
    result = fn(out) if fn.__code__.co_argcount else fn()
    data = result if isinstance(result, bytes) else result.SerializeToString()
    with open(out, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
