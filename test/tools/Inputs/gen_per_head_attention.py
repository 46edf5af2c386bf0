"""Self-attention with its heads written one MatMul each, as some exporters
and hand-written models do: one q / k / v projection each, a Slice of each
per head (k's transposed), scores scaled by 1/sqrt(d), Softmax, the
weighted sum of v per head, the heads joined by a Concat on the last axis,
an output projection. 8 heads of 49 tokens x 32 (per-head-matmuls.test),
or HEADS heads of DH, with `mask` an additive mask on the scores before the
Softmax (npu-group-layers-op-order.test). Writes OUT_DIR/attn.onnx,
OUT_DIR/x.npy (the test input) and OUT_DIR/calib/NNN.npy (4 other
samples). Usage: gen_per_head_attention.py OUT_DIR [HEADS DH [mask]]"""
import functools
import os
import sys

import numpy as np

from model_writer import Initializers, Nodes, save_layer

SEQ, HEADS, DH = 49, 8, 32
if len(sys.argv) > 3:
    HEADS, DH = int(sys.argv[2]), int(sys.argv[3])
MASK = sys.argv[4:] == ['mask']
HIDDEN = HEADS * DH

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
inits, nodes = Initializers(), Nodes()
const, node = inits.const, nodes.add
linear = functools.partial(nodes.linear, inits, rng, width=HIDDEN)


const('axis', np.array([2], np.int64))
const('scale', np.array(1.0 / np.sqrt(DH), np.float32))
if MASK:
    # A band: each token sees the 16 tokens around it.
    band = np.abs(np.subtract.outer(np.arange(SEQ), np.arange(SEQ))) <= 8
    const('mask', np.where(band, 0.0, -1e4).astype(np.float32)[None])
q, k, v = (linear('x', n) for n in 'qkv')
heads = []
for h in range(HEADS):
    start = const('start%d' % h, np.array([h * DH], np.int64))
    end = const('end%d' % h, np.array([(h + 1) * DH], np.int64))
    qh, kh, vh = (node('Slice', [t, start, end, 'axis'], '%s%d' % (t, h)) for t in (q, k, v))
    kt = node('Transpose', [kh], 'kt%d' % h, perm=[0, 2, 1])
    scores = node('Mul', [node('MatMul', [qh, kt], 'scores%d' % h), 'scale'], 'scaled%d' % h)
    if MASK:
        scores = node('Add', [scores, 'mask'], 'masked%d' % h)
    probs = node('Softmax', [scores], 'probs%d' % h, axis=-1)
    heads.append(node('MatMul', [probs, vh], 'context%d' % h))
node('Concat', heads, 'ctx', axis=2)
linear('ctx', 'y')
save_layer(out, 'per_head_attention', nodes, inits, rng, [1, SEQ, HIDDEN])
