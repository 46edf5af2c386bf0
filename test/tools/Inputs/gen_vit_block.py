"""A ViT attention block as timm exports it: one fused qkv projection,
Reshape to [1, T, 3, heads, d], Transpose to [3, 1, heads, T, d], q, k, v
taken with Gather (constant indices 0, 1, 2), k transposed on its last two
axes, scores scaled, Softmax, the weighted sum of v, heads merged, an
output projection; and the class token x[:, 0] (Gather, axis 1) as a
second output (vit-block.test). Writes OUT_DIR/vit.onnx, OUT_DIR/x.npy (the
test input) and OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_vit_block.py OUT_DIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

from model_writer import Initializers, save_model, save_samples

TOKENS, DIM, HEADS = 197, 96, 2
DH = DIM // HEADS

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)
inits = Initializers()
const = inits.const

const('w_qkv', (rng.standard_normal((DIM, 3 * DIM)) / np.sqrt(DIM)).astype(np.float32))
const('b_qkv', (0.1 * rng.standard_normal(3 * DIM)).astype(np.float32))
const('w_proj', (rng.standard_normal((DIM, DIM)) / np.sqrt(DIM)).astype(np.float32))
const('split', np.array([1, TOKENS, 3, HEADS, DH], np.int64))
const('merge', np.array([1, TOKENS, DIM], np.int64))
const('scale', np.array(DH ** -0.5, np.float32))
for i in range(3):
    const('i%d' % i, np.array(i, np.int64))
nodes = [
    helper.make_node('MatMul', ['x', 'w_qkv'], ['qkv_mm'], name='qkv_mm'),
    helper.make_node('Add', ['qkv_mm', 'b_qkv'], ['qkv'], name='qkv'),
    helper.make_node('Reshape', ['qkv', 'split'], ['qkv_r'], name='qkv_r'),
    helper.make_node('Transpose', ['qkv_r'], ['qkv_t'], name='qkv_t', perm=[2, 0, 3, 1, 4]),
    helper.make_node('Gather', ['qkv_t', 'i0'], ['q'], name='q', axis=0),
    helper.make_node('Gather', ['qkv_t', 'i1'], ['k'], name='k', axis=0),
    helper.make_node('Gather', ['qkv_t', 'i2'], ['v'], name='v', axis=0),
    helper.make_node('Transpose', ['k'], ['kt'], name='kt', perm=[0, 1, 3, 2]),
    helper.make_node('MatMul', ['q', 'kt'], ['scores'], name='scores'),
    helper.make_node('Mul', ['scores', 'scale'], ['scaled'], name='scaled'),
    helper.make_node('Softmax', ['scaled'], ['probs'], name='probs', axis=-1),
    helper.make_node('MatMul', ['probs', 'v'], ['context'], name='context'),
    helper.make_node('Transpose', ['context'], ['ctx_t'], name='ctx_t', perm=[0, 2, 1, 3]),
    helper.make_node('Reshape', ['ctx_t', 'merge'], ['ctx'], name='ctx'),
    helper.make_node('MatMul', ['ctx', 'w_proj'], ['y'], name='y'),
    helper.make_node('Gather', ['y', 'i0'], ['cls'], name='cls', axis=1),
]
graph = helper.make_graph(
    nodes, 'vit_block',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, TOKENS, DIM])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, TOKENS, DIM]),
     helper.make_tensor_value_info('cls', TensorProto.FLOAT, [1, DIM])], inits)
save_model(graph, os.path.join(out, 'vit.onnx'))
save_samples(out, rng, (1, TOKENS, DIM))
