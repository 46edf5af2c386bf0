#!/usr/bin/env python3
"""End to end through the back end: ONNX -> blob -> the simulated NPU.

    run_backend.py --tools BIN_DIR --deps DEPS_DIR --work DIR
                   [--targets NPU3720,NPU4000] [--precision fp16] [MODEL...]

For each model and target, on the real inputs of prepare_inputs.py:
  1. `npu-compile MODEL -o m.blob --target T --precision P --dump-stages D`
     (int8: calibrated on the real samples of prepare_calibration.py, which
     are not the test inputs, with --calibrate);
  2. `npu-blob verify --target T m.blob`;
  3. `npu-run m.blob` on the simulated NPU T;
  4. `npu-interpret D/<precision>.mlir` (the stage whose ops have the
     device's arithmetic): the device's outputs must equal it bit for bit;
  5. ONNX Runtime float on the same inputs: cosine >= 0.99 on every output;
and, once per model, compiling again gives the same bytes. Prints the
modelled latency, blob size and compile time. With --figures FILE, also
writes each model's deterministic figures (test/e2e/figures.py) for the CI
regression gate (scripts/gate.sh). Exit status 1 on any failure.
"""
import argparse
import filecmp
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
import figures  # noqa: E402
from figures import run  # noqa: E402

MODELS = ['ppocr_cls_mobile_v2', 'ppocrv4_det', 'ppocrv4_rec',
          'oww_melspectrogram', 'oww_embedding', 'oww_alexa_v0.1']


def read_inputs(d):
    with open(os.path.join(d, 'inputs.tsv')) as f:
        return [line.rstrip('\n').split('\t') for line in f if line.strip()]


def bit_exact(ref_dir, got_dir):
    ok = True
    for f in sorted(os.listdir(ref_dir)):
        if not f.endswith('.npy'):
            continue
        a, b = np.load(os.path.join(ref_dir, f)), np.load(os.path.join(got_dir, f))
        same = a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
        diff = '' if same else ' (%d of %d elements differ)' % (
            int(np.sum(a != b)) if a.shape == b.shape else -1, a.size)
        print('    %-28s device == interpreter bit for bit: %s%s' %
              (f, 'yes' if same else 'NO', diff))
        ok &= same
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tools', required=True)
    ap.add_argument('--deps', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--targets', default='NPU3720,NPU4000')
    ap.add_argument('--precision', default='fp16')
    ap.add_argument('--cosine', type=float, default=0.99)
    ap.add_argument('--calibrate', action='store_true',
                    help='int8: calibrate on prepare_calibration.py samples')
    ap.add_argument('--known-inaccurate', default='',
                    help='comma-separated models whose agreement with ONNX Runtime '
                         'is reported but not required (a known limit of the precision)')
    ap.add_argument('--figures', metavar='FILE',
                    help='write the deterministic figures of every model as JSON')
    ap.add_argument('models', nargs='*', default=MODELS)
    a = ap.parse_args()
    tool = lambda name: os.path.join(a.tools, name)  # noqa: E731
    inputs_dir = os.path.join(a.work, 'inputs')
    if not os.path.isdir(inputs_dir):
        subprocess.check_call(['/usr/bin/python3', os.path.join(HERE, 'prepare_inputs.py'),
                               a.deps, inputs_dir])
    ort_run = os.path.join(HERE, '..', '..', 'tools', 'ort-oracle', 'ort-run.js')
    calib_dir = os.path.join(a.work, 'calibration')
    if a.calibrate and not os.path.isdir(calib_dir):
        subprocess.check_call(['/usr/bin/python3', os.path.join(HERE, 'prepare_calibration.py'),
                               a.deps, inputs_dir, calib_dir])
    failed = []
    gate_figures = {}
    for m in a.models:
        model = os.path.join(a.deps, 'models', m + '.onnx')
        d = os.path.join(inputs_dir, m)
        ins = read_inputs(d)
        feeds, shapes = [], []
        for name, file, shape in ins:
            feeds += ['--input', '%s=%s' % (name, os.path.join(d, file))]
            shapes += ['--input-shape', '%s=%s' % (name, shape)]
        if a.calibrate:
            shapes += ['--calib-data', os.path.join(calib_dir, m)]
        work = os.path.join(a.work, m)
        ort_dir = os.path.join(work, 'ort')
        os.makedirs(ort_dir, exist_ok=True)
        run(['node', ort_run, model, '--output-dir', ort_dir] + feeds)
        for target in a.targets.split(','):
            tw = os.path.join(work, target)
            blob = os.path.join(tw, m + '.blob')
            stages = os.path.join(tw, 'stages')
            os.makedirs(tw, exist_ok=True)
            try:
                t0 = time.time()
                run([tool('npu-compile'), model, '-o', blob, '--target', target,
                     '--precision', a.precision, '--dump-stages', stages] + shapes)
                t1 = time.time()
                run([tool('npu-blob'), 'verify', '--target', target, blob])
                run_json = os.path.join(tw, 'run.json')
                out = run([tool('npu-run'), blob, '--output-dir', os.path.join(tw, 'device'),
                           '--json', run_json] + feeds)
                latency = re.search(r'modelled[^\n]*', out)
                run([tool('npu-interpret'), os.path.join(stages, a.precision + '.mlir'),
                     '--output-dir', os.path.join(tw, 'interp')] + feeds)
                print('%s on %s: compile %.1f s, blob %d bytes, %s' %
                      (m, target, t1 - t0, os.path.getsize(blob),
                       latency.group(0) if latency else 'no latency reported'))
                ok = bit_exact(os.path.join(tw, 'interp'), os.path.join(tw, 'device'))
                print('    vs ONNX Runtime float:')
                agree = compare.compare_dirs(ort_dir, os.path.join(tw, 'device'), a.cosine, 1.0)
                if not agree and m in a.known_inaccurate.split(','):
                    print('    KNOWN LIMIT: %s does not stay faithful in %s' % (m, a.precision))
                else:
                    ok &= agree
                if a.figures:
                    got = figures.blob_figures(tool('npu-blob'), blob)
                    got.update(figures.run_figures(run_json))
                    got['cosine'] = figures.min_cosine(ort_dir, os.path.join(tw, 'device'))
                    gate_figures.update(figures.keyed('%s/%s/%s' % (m, target, a.precision), got))
                if target == a.targets.split(',')[0]:
                    # The second compile runs the compiler's float work
                    # (calibration, weight rounding) on another number of
                    # threads (one more than the first, so no slower): the
                    # bytes must not depend on it either.
                    again = blob[:-len('.blob')] + '.again.blob'
                    threads = (os.cpu_count() or 1) + 1
                    run([tool('npu-compile'), model, '-o', again, '--target', target,
                         '--precision', a.precision] + shapes,
                        env=dict(os.environ, NPU_KERNELS_THREADS=str(threads)))
                    same = filecmp.cmp(blob, again, shallow=False)
                    print('    compiled twice (the second time on %d threads): identical '
                          'blobs: %s' % (threads, 'yes' if same else 'NO'))
                    ok &= same
                if not ok:
                    failed.append('%s/%s' % (m, target))
            except RuntimeError as e:
                print('%s on %s: %s' % (m, target, e))
                failed.append('%s/%s' % (m, target))
    if a.figures:
        figures.write_figures(a.figures, gate_figures)
    if failed:
        print('FAILED: ' + ', '.join(failed))
        sys.exit(1)
    print('all %d models compile, run bit-exactly and agree with ONNX Runtime' % len(a.models))


if __name__ == '__main__':
    main()
