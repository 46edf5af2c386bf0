#!/usr/bin/env python3
"""Numeric agreement of two sets of tensors (.npy), the project's tolerances.

    compare.py REF_DIR GOT_DIR [--cosine 0.99999] [--rel-max-abs 1e-3]

Compares every .npy in REF_DIR with the file of the same name in GOT_DIR and
prints, per tensor, the cosine similarity, the maximum absolute error relative
to the reference's maximum magnitude, and SQNR in dB. Exit status 1 if a
tensor is missing, has another shape, or breaks a tolerance.
"""
import argparse
import os
import sys

import numpy as np


def metrics(ref, got, scale_floor=0.0):
    """(cosine, max |error| / max(max |ref|, scale_floor), SQNR dB)."""
    r = ref.astype(np.float64).ravel()
    g = got.astype(np.float64).ravel()
    nr, ng = np.linalg.norm(r), np.linalg.norm(g)
    if (nr == 0 and ng == 0) or np.array_equal(r, g, equal_nan=True):
        # Equal tensors are exactly similar (the quotient can round below 1).
        cos = 1.0
    elif nr == 0 or ng == 0:
        cos = 0.0
    else:
        cos = float(np.dot(r, g) / (nr * ng))
    scale = max(float(np.max(np.abs(r))) if r.size else 0.0, scale_floor)
    err = float(np.max(np.abs(r - g))) if r.size else 0.0
    rel = err / scale if scale > 0 else err
    noise = float(np.sum((r - g) ** 2))
    sqnr = float('inf') if noise == 0 else 10 * np.log10(max(float(np.sum(r ** 2)), 1e-300) / noise)
    return cos, rel, sqnr


def compare_dirs(ref_dir, got_dir, min_cos, max_rel, out=sys.stdout,
                 scale_floor=0.0):
    """With `scale_floor`, the max |error| of a tensor whose values are all
    smaller is taken relative to the floor instead of its own maximum."""
    ok = True
    for name in sorted(f for f in os.listdir(ref_dir) if f.endswith('.npy')):
        ref = np.load(os.path.join(ref_dir, name))
        path = os.path.join(got_dir, name)
        if not os.path.exists(path):
            print('  %-32s MISSING in %s' % (name, got_dir), file=out)
            ok = False
            continue
        got = np.load(path)
        if ref.shape != got.shape:
            print('  %-32s SHAPE %s vs %s' % (name, ref.shape, got.shape), file=out)
            ok = False
            continue
        cos, rel, sqnr = metrics(ref, got, scale_floor)
        good = cos >= min_cos and rel <= max_rel
        ok &= good
        print('  %-32s %-16s cosine %.8f  max|err|/max|ref| %.2e  SQNR %6.1f dB  %s' %
              (name, 'x'.join(map(str, ref.shape)), cos, rel, sqnr, 'ok' if good else 'FAIL'),
              file=out)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('ref_dir')
    ap.add_argument('got_dir')
    ap.add_argument('--cosine', type=float, default=0.99999)
    ap.add_argument('--rel-max-abs', type=float, default=1e-3)
    a = ap.parse_args()
    sys.exit(0 if compare_dirs(a.ref_dir, a.got_dir, a.cosine, a.rel_max_abs) else 1)


if __name__ == '__main__':
    main()
