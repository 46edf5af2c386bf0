#!/usr/bin/env python3
"""Inputs of the small recurrent models of gen_models.py (lstm_full,
gru_reverse_lengths, rnn_bidirectional_lengths, lstm_activations), fixed seed.

    recurrent_inputs.py DIR [--calib]

Writes x.npy [5, 2, 3], h0.npy and c0.npy [2, 2, 4], len.npy [5, 3] (int32:
the second batch element stops after 3 steps), h0_1.npy [1, 2, 4].
With --calib: calibration samples for rnn_bidirectional_lengths instead,
DIR/<input>/NN.npy for x, len and h0 (8 samples, other values and lengths
than the test inputs: npu-compile's --calib-data layout).
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
if '--calib' in sys.argv[2:]:
    rng = np.random.default_rng(12)
    for k in range(8):
        for name, value in (
                ('x', (2 * rng.standard_normal((5, 2, 3))).astype(np.float32)),
                ('len', rng.integers(1, 6, 2).astype(np.int32)),
                ('h0', rng.standard_normal((2, 2, 4)).astype(np.float32))):
            os.makedirs(os.path.join(out, name), exist_ok=True)
            np.save(os.path.join(out, name, '%02d.npy' % k), value)
    sys.exit(0)
rng = np.random.default_rng(11)
np.save(os.path.join(out, 'x.npy'), (2 * rng.standard_normal((5, 2, 3))).astype(np.float32))
np.save(os.path.join(out, 'h0.npy'), rng.standard_normal((2, 2, 4)).astype(np.float32))
np.save(os.path.join(out, 'c0.npy'), rng.standard_normal((2, 2, 4)).astype(np.float32))
np.save(os.path.join(out, 'len.npy'), np.array([5, 3], np.int32))
np.save(os.path.join(out, 'h0_1.npy'), rng.standard_normal((1, 2, 4)).astype(np.float32))
