"""A pre-norm transformer feed-forward block, LayerNorm -> MatMul -> Relu ->
MatMul -> residual Add -> LayerNorm, written three ways: `ln17.onnx` with
ONNX LayerNormalization (opset 17), and `ln13.onnx` and `lntf.onnx` with
each LayerNorm written out as exporters below opset 17 do: in `ln13.onnx`
the first norm
is PyTorch's form (ReduceMean, Sub, Pow(., 2), ReduceMean, Add eps, Sqrt,
Div, Mul gamma, Add beta), in `lntf.onnx` tf2onnx's form of Keras'
LayerNormalization (x * k + (beta - mean * k), k = gamma * Reciprocal(
Sqrt(.))); in both the second is the ONNX function body of
LayerNormalization (the square as Mul, times Reciprocal(Sqrt(.))) over the
last two axes, with gamma only. The input has a large mean (10 + N(0, 1))
so that the variance needs the pivot the kernel keeps. Also `ln2d.onnx`
(layer_norm_2d below). Writes OUT_DIR/{ln17,ln13,lntf,ln2d}.onnx,
OUT_DIR/x.npy (the test input) and OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_layer_norm.py OUT_DIR"""
import math
import os
import sys

import numpy as np
from onnx import TensorProto, helper

from model_writer import Initializers, save_model

SEQ, HIDDEN, INNER = 32, 64, 128

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def model(form):
    written_out = form != 'ln17'
    rng = np.random.default_rng(1)
    inits = Initializers()
    c = inits.const
    g1 = c('g1', (1 + 0.1 * rng.standard_normal(HIDDEN)).astype(np.float32))
    b1 = c('b1', (0.1 * rng.standard_normal(HIDDEN)).astype(np.float32))
    g2 = c('g2', (1 + 0.1 * rng.standard_normal((SEQ, HIDDEN))).astype(np.float32))
    w1 = inits.normal(rng, 'w1', (HIDDEN, INNER), 1 / math.sqrt(HIDDEN))
    w2 = inits.normal(rng, 'w2', (INNER, HIDDEN), 1 / math.sqrt(INNER))
    nodes = []
    if form == 'lntf':
        c('eps1', np.array(1e-5, np.float32))
        c('eps2', np.array(1e-6, np.float32))
        nodes += [
            helper.make_node('ReduceMean', ['x'], ['m1'], name='ln1.mean', axes=[-1]),
            helper.make_node('Sub', ['x', 'm1'], ['d1'], name='ln1.sub'),
            helper.make_node('Mul', ['d1', 'd1'], ['q1'], name='ln1.square'),
            helper.make_node('ReduceMean', ['q1'], ['v1'], name='ln1.var', axes=[-1]),
            helper.make_node('Add', ['v1', 'eps1'], ['e1'], name='ln1.eps'),
            helper.make_node('Sqrt', ['e1'], ['s1'], name='ln1.sqrt'),
            helper.make_node('Reciprocal', ['s1'], ['r1'], name='ln1.rsqrt'),
            helper.make_node('Mul', ['r1', g1], ['k1'], name='ln1.k'),
            helper.make_node('Mul', ['x', 'k1'], ['xk1'], name='ln1.xk'),
            helper.make_node('Mul', ['m1', 'k1'], ['mk1'], name='ln1.mk'),
            helper.make_node('Sub', [b1, 'mk1'], ['sh1'], name='ln1.shift'),
            helper.make_node('Add', ['xk1', 'sh1'], ['h0'], name='ln1'),
        ]
    elif written_out:
        c('two', np.array(2.0, np.float32))
        c('eps1', np.array(1e-5, np.float32))
        c('eps2', np.array(1e-6, np.float32))
        nodes += [
            helper.make_node('ReduceMean', ['x'], ['m1'], name='ln1.mean', axes=[-1]),
            helper.make_node('Sub', ['x', 'm1'], ['d1'], name='ln1.sub'),
            helper.make_node('Pow', ['d1', 'two'], ['q1'], name='ln1.pow'),
            helper.make_node('ReduceMean', ['q1'], ['v1'], name='ln1.var', axes=[-1]),
            helper.make_node('Add', ['v1', 'eps1'], ['e1'], name='ln1.eps'),
            helper.make_node('Sqrt', ['e1'], ['s1'], name='ln1.sqrt'),
            helper.make_node('Div', ['d1', 's1'], ['n1'], name='ln1.div'),
            helper.make_node('Mul', ['n1', g1], ['gn1'], name='ln1.gamma'),
            helper.make_node('Add', ['gn1', b1], ['h0'], name='ln1'),
        ]
    else:
        nodes.append(helper.make_node('LayerNormalization', ['x', g1, b1], ['h0'],
                                      name='ln1', axis=-1, epsilon=1e-5))
    nodes += [
        helper.make_node('MatMul', ['h0', w1], ['h1'], name='fc1'),
        helper.make_node('Relu', ['h1'], ['h2'], name='act'),
        helper.make_node('MatMul', ['h2', w2], ['h3'], name='fc2'),
        helper.make_node('Add', ['x', 'h3'], ['r'], name='residual'),
    ]
    if written_out:
        nodes += [
            helper.make_node('ReduceMean', ['r'], ['m2'], name='ln2.mean', axes=[1, 2]),
            helper.make_node('Sub', ['r', 'm2'], ['d2'], name='ln2.sub'),
            helper.make_node('Mul', ['d2', 'd2'], ['q2'], name='ln2.square'),
            helper.make_node('ReduceMean', ['q2'], ['v2'], name='ln2.var', axes=[1, 2]),
            helper.make_node('Add', ['eps2', 'v2'], ['e2'], name='ln2.eps'),
            helper.make_node('Sqrt', ['e2'], ['s2'], name='ln2.sqrt'),
            helper.make_node('Reciprocal', ['s2'], ['i2'], name='ln2.inv'),
            helper.make_node('Mul', ['d2', 'i2'], ['n2'], name='ln2.normalised'),
            helper.make_node('Mul', [g2, 'n2'], ['y'], name='ln2'),
        ]
    else:
        nodes.append(helper.make_node('LayerNormalization', ['r', g2], ['y'],
                                      name='ln2', axis=1, epsilon=1e-6))
    graph = helper.make_graph(
        nodes, 'layer_norm',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, SEQ, HIDDEN])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, SEQ, HIDDEN])], inits)
    save_model(graph, os.path.join(out, form + '.onnx'), opset=13 if written_out else 17)


for form in ('ln17', 'ln13', 'lntf'):
    model(form)
rng = np.random.default_rng(0)
os.makedirs(os.path.join(out, 'calib'), exist_ok=True)
shape = (1, SEQ, HIDDEN)
np.save(os.path.join(out, 'x.npy'), (10 + rng.standard_normal(shape)).astype(np.float32))
for i in range(4):
    np.save(os.path.join(out, 'calib', '%03d.npy' % i),
            (10 + rng.standard_normal(shape)).astype(np.float32))


def layer_norm_2d():
    """`ln2d.onnx`: ConvNeXt's LayerNorm2d written out over the channels of
    NCHW (mean over axis 1, as its data_format="channels_first" and SAM's
    LayerNorm2d write it) between two convolutions, gamma and beta
    [C, 1, 1]; its input OUT_DIR/x2.npy and OUT_DIR/calib2/NNN.npy."""
    rng = np.random.default_rng(2)
    inits = Initializers()
    c = inits.const
    ch = 32
    w1 = inits.normal(rng, 'w1', (ch, 16, 3, 3), 1 / math.sqrt(16 * 9))
    w2 = inits.normal(rng, 'w2', (16, ch, 1, 1), 1 / math.sqrt(ch))
    g = c('g', (1 + 0.1 * rng.standard_normal((ch, 1, 1))).astype(np.float32))
    b = c('b', (0.1 * rng.standard_normal((ch, 1, 1))).astype(np.float32))
    c('two', np.array(2.0, np.float32))
    c('eps', np.array(1e-6, np.float32))
    nodes = [
        helper.make_node('Conv', ['x', w1], ['h'], name='conv1', pads=[1, 1, 1, 1]),
        helper.make_node('ReduceMean', ['h'], ['u'], name='ln.mean', axes=[1]),
        helper.make_node('Sub', ['h', 'u'], ['d'], name='ln.sub'),
        helper.make_node('Pow', ['d', 'two'], ['q'], name='ln.pow'),
        helper.make_node('ReduceMean', ['q'], ['s'], name='ln.var', axes=[1]),
        helper.make_node('Add', ['s', 'eps'], ['e'], name='ln.eps'),
        helper.make_node('Sqrt', ['e'], ['r'], name='ln.sqrt'),
        helper.make_node('Div', ['d', 'r'], ['n'], name='ln.div'),
        helper.make_node('Mul', [g, 'n'], ['gn'], name='ln.gamma'),
        helper.make_node('Add', ['gn', b], ['z'], name='ln'),
        helper.make_node('Conv', ['z', w2], ['y'], name='conv2'),
    ]
    shape = (1, 16, 16, 16)
    graph = helper.make_graph(
        nodes, 'layer_norm_2d',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 16, 16, 16])], inits)
    save_model(graph, os.path.join(out, 'ln2d.onnx'), opset=13)
    os.makedirs(os.path.join(out, 'calib2'), exist_ok=True)
    np.save(os.path.join(out, 'x2.npy'), rng.standard_normal(shape).astype(np.float32))
    for i in range(4):
        np.save(os.path.join(out, 'calib2', '%03d.npy' % i),
                rng.standard_normal(shape).astype(np.float32))


layer_norm_2d()
