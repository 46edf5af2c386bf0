"""A BERT-style encoder layer as exporters write it: q, k, v projections,
heads split by Reshape + Transpose (k transposed for q k^T), scores scaled
by 1/sqrt(d), Softmax, the weighted sum of v, heads merged, an output
projection, residual + LayerNormalization, then a feed-forward block with
the exact GELU spelled as Div / Erf / Add / Mul / Mul. Its two matmuls of
activations per head are large enough to run on the DPU
(activation-matmul.test). Writes OUT_DIR/attn.onnx,
OUT_DIR/x.npy (the test input) and OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_attention.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import helper

from model_writer import Initializers, save_layer

SEQ, HIDDEN, HEADS = 96, 128, 2
DH = HIDDEN // HEADS

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
inits, nodes = Initializers(), []
const = inits.const


def linear(x, name, cin=HIDDEN, cout=HIDDEN):
    w = (rng.standard_normal((cin, cout)) / np.sqrt(cin)).astype(np.float32)
    b = (0.1 * rng.standard_normal(cout)).astype(np.float32)
    nodes.append(helper.make_node('MatMul', [x, const(name + '_w', w)], [name + '_mm'],
                                  name=name + '_mm'))
    nodes.append(helper.make_node('Add', [name + '_mm', const(name + '_b', b)], [name],
                                  name=name))
    return name


def heads(t, perm, name):
    nodes.append(helper.make_node('Reshape', [t, 'split'], [name + '_r'], name=name + '_r'))
    nodes.append(helper.make_node('Transpose', [name + '_r'], [name], name=name, perm=perm))
    return name


const('split', np.array([1, SEQ, HEADS, DH], np.int64))
const('merge', np.array([1, SEQ, HIDDEN], np.int64))
const('scale', np.array(1.0 / np.sqrt(DH), np.float32))
q = heads(linear('x', 'q'), [0, 2, 1, 3], 'qh')
k = heads(linear('x', 'k'), [0, 2, 3, 1], 'kt')
v = heads(linear('x', 'v'), [0, 2, 1, 3], 'vh')
nodes += [
    helper.make_node('MatMul', [q, k], ['scores'], name='scores'),
    helper.make_node('Mul', ['scores', 'scale'], ['scaled'], name='scaled'),
    helper.make_node('Softmax', ['scaled'], ['probs'], name='probs', axis=-1),
    helper.make_node('MatMul', ['probs', v], ['context'], name='context'),
    helper.make_node('Transpose', ['context'], ['ctx_t'], name='ctx_t', perm=[0, 2, 1, 3]),
    helper.make_node('Reshape', ['ctx_t', 'merge'], ['ctx'], name='ctx'),
]
linear('ctx', 'proj')
const('gamma', np.ones(HIDDEN, np.float32))
const('beta', np.zeros(HIDDEN, np.float32))
const('sqrt2', np.array(np.sqrt(2.0), np.float32))
const('one', np.array(1.0, np.float32))
const('half', np.array(0.5, np.float32))
nodes += [
    helper.make_node('Add', ['x', 'proj'], ['res'], name='res'),
    helper.make_node('LayerNormalization', ['res', 'gamma', 'beta'], ['ln'], name='ln',
                     axis=-1, epsilon=1e-12),
]
h = linear('ln', 'ffn_in', HIDDEN, 4 * HIDDEN)
nodes += [
    helper.make_node('Div', [h, 'sqrt2'], ['gelu_d'], name='gelu_d'),
    helper.make_node('Erf', ['gelu_d'], ['gelu_e'], name='gelu_e'),
    helper.make_node('Add', ['gelu_e', 'one'], ['gelu_a'], name='gelu_a'),
    helper.make_node('Mul', [h, 'half'], ['gelu_h'], name='gelu_h'),
    helper.make_node('Mul', ['gelu_h', 'gelu_a'], ['gelu'], name='gelu'),
]
linear('gelu', 'y', 4 * HIDDEN, HIDDEN)
save_layer(out, 'attention', nodes, inits, rng, [1, SEQ, HIDDEN])
