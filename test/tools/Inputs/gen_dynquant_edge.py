#!/usr/bin/env python3
"""Writes the edge cases of dynamically quantized models (test/tools/
dynquant.test): what compiles besides the quantize_dynamic patterns, and
what does not.

    gen_dynquant_edge.py OUT.onnx CASE [--input X.npy]

  dq-only:   x -> DynamicQuantizeLinear -> DequantizeLinear -> Relu (y), and
             the scale added to it (y2) and returned (s): the pair is x
             (calibrated), the scale computed in float on the device;
  const:     MatMulInteger of constant uint8 / int8 inputs, cast to float,
             scaled and added to x (y): folded to a constant;
  q-output:  DynamicQuantizeLinear's quantized tensor is a graph output;
  unscaled:  ConvInteger of DynamicQuantizeLinear's output, cast to float but
             not multiplied by the scales (y).
x is [1, 4, 8, 8] (const: [2, 3]).
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto as T, helper, numpy_helper as nh

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('case', choices=['dq-only', 'const', 'q-output', 'unscaled'])
ap.add_argument('--input')
a = ap.parse_args()

shape = (2, 3) if a.case == 'const' else (1, 4, 8, 8)
F = lambda n, s: helper.make_tensor_value_info(n, T.FLOAT, s)  # noqa: E731
dql = helper.make_node('DynamicQuantizeLinear', ['x'], ['q', 's', 'z'],
                       name='dql')
dq = helper.make_node('DequantizeLinear', ['q', 's', 'z'], ['d'], name='dq')
relu = helper.make_node('Relu', ['d'], ['y'], name='relu')
inits = []
if a.case == 'dq-only':
    add = helper.make_node('Add', ['y', 's'], ['y2'], name='add_scale')
    nodes, outs = [dql, dq, relu, add], [F('y', shape), F('y2', shape),
                                         F('s', ())]
elif a.case == 'const':
    rng = np.random.default_rng(3)
    inits = [nh.from_array(rng.integers(0, 255, (2, 4), dtype=np.uint8), 'a'),
             nh.from_array(rng.integers(-127, 127, (4, 3), dtype=np.int8),
                           'b'),
             nh.from_array(np.array(120, np.uint8), 'azp'),
             nh.from_array(np.array([1, -2, 0], np.int8), 'bzp'),
             nh.from_array(np.array(1e-4, np.float32), 'scale')]
    nodes = [helper.make_node('MatMulInteger', ['a', 'b', 'azp', 'bzp'],
                              ['p'], name='mmint'),
             helper.make_node('Cast', ['p'], ['pf'], name='cast',
                              to=T.FLOAT),
             helper.make_node('Mul', ['pf', 'scale'], ['ps'], name='mul'),
             helper.make_node('Add', ['x', 'ps'], ['y'], name='add')]
    outs = [F('y', shape)]
elif a.case == 'q-output':
    nodes = [dql, dq, relu]
    outs = [F('y', shape), helper.make_tensor_value_info('q', T.UINT8, shape)]
else:
    inits = [nh.from_array(np.ones((4, 4, 1, 1), np.int8), 'w')]
    nodes = [dql,
             helper.make_node('ConvInteger', ['q', 'w', 'z'], ['c'],
                              name='convint'),
             helper.make_node('Cast', ['c'], ['y'], name='cast', to=T.FLOAT)]
    outs = [F('y', shape)]

graph = helper.make_graph(nodes, 'dynquant_' + a.case, [F('x', shape)], outs,
                          inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, a.out)
if a.input:
    np.save(a.input, np.random.default_rng(99).standard_normal(shape)
            .astype(np.float32))
