#!/usr/bin/env python3
"""Writes a float32 ONNX model as a float16 one, as exporters and
onnxconverter-common's convert_float_to_float16 (keep_io_types=False) do:
inputs, outputs, weights, Constant nodes and activations float16.

    to_float16.py IN.onnx OUT.onnx

Inputs that ONNX requires in float32 stay so (Resize's scales). Values are
clamped as convert_float_to_float16 clamps them by default (min_positive_val
1e-7, max_finite_val 1e4): a batch norm's variance of 1e8 or a Clip minimum
of 1e-10 would otherwise become inf or 0 in float16. Uses only onnx
(Debian's python3-onnx)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# (op type, input index) pairs that ONNX types as float32 only.
KEEP_FLOAT32 = {('Resize', 2), ('Upsample', 1)}


MIN_POSITIVE, MAX_FINITE = 1e-7, 1e4


def half(t):
    """A float32 TensorProto as float16 (same name), clamped as
    onnxconverter-common clamps: nonzero magnitudes into [1e-7, 1e4]."""
    a = numpy_helper.to_array(t).astype(np.float32)
    mag = np.abs(a)
    a = np.where((mag > 0) & (mag < MIN_POSITIVE), np.sign(a) * MIN_POSITIVE, a)
    a = np.clip(a, -MAX_FINITE, MAX_FINITE)
    return numpy_helper.from_array(a.astype(np.float16), t.name)


def retype(value_info):
    tt = value_info.type.tensor_type
    if tt.elem_type == TensorProto.FLOAT:
        tt.elem_type = TensorProto.FLOAT16


def main():
    src, dst = sys.argv[1], sys.argv[2]
    model = onnx.load(src)
    graph = model.graph
    keep = {n.input[i] for n in graph.node for (op, i) in KEEP_FLOAT32
            if n.op_type == op and len(n.input) > i}
    for i, t in enumerate(graph.initializer):
        if t.data_type == TensorProto.FLOAT and t.name not in keep:
            graph.initializer[i].CopyFrom(half(t))
    for n in graph.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == TensorProto.FLOAT:
                if not any(n.output[0] == k for k in keep):
                    a.t.CopyFrom(half(a.t))
            if n.op_type == 'Cast' and a.name == 'to' and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
    for v in list(graph.input) + list(graph.output):
        retype(v)
    del graph.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == '__main__':
    main()
