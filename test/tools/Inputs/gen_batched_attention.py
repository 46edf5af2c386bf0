"""Self-attention with its heads batched, as Hugging Face's exports write
it: q, k and v projections, heads split by Reshape + Transpose (k's to
[1, H, D, S]), one MatMul for every head's Q K^T, scores divided by
sqrt(d), Softmax, one MatMul for every head's A V, heads merged by
Transpose + Reshape, an output projection. SEQ tokens of HEADS heads of
DH (default 49 x 4 x 16: products small enough to run as SHAVE kernels on
NPU3720, shave-matmul-split.test). Writes OUT_DIR/attn.onnx, OUT_DIR/x.npy
(the test input) and OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_batched_attention.py OUT_DIR [SEQ HEADS DH]"""
import functools
import os
import sys

import numpy as np

from model_writer import Initializers, Nodes, save_layer

SEQ, HEADS, DH = 49, 4, 16
if len(sys.argv) > 4:
    SEQ, HEADS, DH = (int(a) for a in sys.argv[2:5])
HIDDEN = HEADS * DH

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
inits, nodes = Initializers(), Nodes()
const, node = inits.const, nodes.add
linear = functools.partial(nodes.linear, inits, rng, width=HIDDEN)


const('heads_shape', np.array([1, SEQ, HEADS, DH], np.int64))
const('merged_shape', np.array([1, SEQ, HIDDEN], np.int64))
const('sqrt_d', np.array(np.sqrt(DH), np.float32))


def heads(x, perm):
    return node('Transpose', [node('Reshape', [x, 'heads_shape'], x + '_heads')],
                x + '_t', perm=perm)


q = heads(linear('x', 'q'), [0, 2, 1, 3])
k = heads(linear('x', 'k'), [0, 2, 3, 1])
v = heads(linear('x', 'v'), [0, 2, 1, 3])
scores = node('Div', [node('MatMul', [q, k], 'scores'), 'sqrt_d'], 'scaled')
probs = node('Softmax', [scores], 'probs', axis=-1)
context = node('Transpose', [node('MatMul', [probs, v], 'context')], 'context_t',
               perm=[0, 2, 1, 3])
linear(node('Reshape', [context, 'merged_shape'], 'merged'), 'y')
save_layer(out, 'batched_attention', nodes, inits, rng, [1, SEQ, HIDDEN])
