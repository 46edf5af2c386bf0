# Recomputes the `elementwise` generator model with NumPy from the inputs that
# npu-interpret generated, and compares with its output.
import os
import sys

import numpy as np

d = sys.argv[1]
a = np.load(os.path.join(d, 'inputs', 'a.npy'))
b = np.load(os.path.join(d, 'inputs', 'b.npy'))
s = a + b
m = s * a
t = a + m + s
u = (a + t) / 2
v = u
c = v < b
w = np.where(c, a, v)
y = np.abs(w)
got = np.load(os.path.join(d, 'y.npy'))
assert got.shape == y.shape and got.dtype == np.float32, (got.shape, got.dtype)
assert np.allclose(got, y, rtol=1e-6, atol=1e-6), (got, y)
assert np.abs(a).max() <= 1 and len(np.unique(a)) == a.size, 'inputs in [-1, 1), distinct'
print('ok')
