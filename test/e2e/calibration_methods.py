#!/usr/bin/env python3
"""int8 accuracy of each calibration method on the real development models.

    calibration_methods.py --tools BIN_DIR --deps DEPS_DIR --work DIR
                           [--methods minmax,percentile,entropy,mse,auto]
                           [MODEL...]

For each model and method: `npu-interpret MODEL --precision int8
--compile-to int8 --calib-data <real samples> --calib-method M` on the test
inputs (the int8 stage, which the simulated NPU equals bit for bit:
run_backend.py checks that), against ONNX Runtime float on the same inputs.
Calibration samples come from prepare_calibration.py and are not the test
inputs. Prints a table of the smallest output cosine per model and method,
and writes each run's calibration table to WORK/<model>/<method>.calib.
With --in-sample, the same int8 model also runs on every calibration sample
(in-sample, so optimistic, but alike for every method and less sensitive to
one input) and the mean and smallest of those cosines are printed too.
A measurement, not a test: the exit status is 1 only if a run fails.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
from run_backend import MODELS, read_inputs  # noqa: E402


def min_cosine(ref_dir, got_dir):
    """The smallest cosine over the outputs; NaN if any output has a NaN."""
    worst = 1.0
    for name in sorted(f for f in os.listdir(ref_dir) if f.endswith('.npy')):
        with np.errstate(all='ignore'):
            cos, _, _ = compare.metrics(np.load(os.path.join(ref_dir, name)),
                                        np.load(os.path.join(got_dir, name)))
        worst = cos if np.isnan(cos) or np.isnan(worst) else min(worst, cos)
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tools', required=True)
    ap.add_argument('--deps', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--methods', default='minmax,percentile,entropy,mse,auto')
    ap.add_argument('--in-sample', action='store_true',
                    help='also run every calibration sample (single-input models)')
    ap.add_argument('models', nargs='*', default=MODELS)
    a = ap.parse_args()
    methods = a.methods.split(',')
    inputs_dir = os.path.join(a.work, 'inputs')
    if not os.path.isdir(inputs_dir):
        subprocess.check_call(['/usr/bin/python3', os.path.join(HERE, 'prepare_inputs.py'),
                               a.deps, inputs_dir])
    calib_dir = os.path.join(a.work, 'calibration')
    if not os.path.isdir(calib_dir):
        subprocess.check_call(['/usr/bin/python3', os.path.join(HERE, 'prepare_calibration.py'),
                               a.deps, inputs_dir, calib_dir])
    ort_run = os.path.join(HERE, '..', '..', 'tools', 'ort-oracle', 'ort-run.js')
    results, spread, failed = {}, {}, []
    for m in a.models:
        model = os.path.join(a.deps, 'models', m + '.onnx')
        d = os.path.join(inputs_dir, m)
        feeds, shapes = [], []
        for name, file, shape in read_inputs(d):
            feeds += ['--input', '%s=%s' % (name, os.path.join(d, file))]
            shapes += ['--input-shape', '%s=%s' % (name, shape)]
        work = os.path.join(a.work, m)
        ort_dir = os.path.join(work, 'ort')
        os.makedirs(ort_dir, exist_ok=True)
        subprocess.check_call(['node', ort_run, model, '--output-dir', ort_dir] + feeds,
                              stdout=subprocess.DEVNULL)
        input_name = read_inputs(d)[0][0]
        samples = sorted(os.listdir(os.path.join(calib_dir, m))) if a.in_sample else []
        for n in samples:
            sample_ort = os.path.join(work, 'samples', n, 'ort')
            os.makedirs(sample_ort, exist_ok=True)
            subprocess.check_call(['node', ort_run, model, '--output-dir', sample_ort, '--input',
                                   '%s=%s' % (input_name, os.path.join(calib_dir, m, n))],
                                  stdout=subprocess.DEVNULL)
        for method in methods:
            out = os.path.join(work, method)
            t0 = time.time()
            r = subprocess.run([os.path.join(a.tools, 'npu-interpret'), model,
                                '--precision', 'int8', '--compile-to', 'int8',
                                '--calib-data', os.path.join(calib_dir, m),
                                '--calib-method', method,
                                '--calib-table', os.path.join(work, method + '.calib'),
                                '--dump-stages', os.path.join(work, method + '-stages'),
                                '--output-dir', out] + shapes + feeds,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                print('%s %s: npu-interpret failed:\n%s' % (m, method, r.stdout[-2000:]))
                failed.append('%s/%s' % (m, method))
                continue
            results[m, method] = min_cosine(ort_dir, out)
            print('%-20s %-10s cosine %.6f  (%.1f s)' %
                  (m, method, results[m, method], time.time() - t0), flush=True)
            cosines = []
            for n in samples:
                got = os.path.join(work, 'samples', n, method)
                subprocess.check_call([os.path.join(a.tools, 'npu-interpret'),
                                       os.path.join(work, method + '-stages', 'int8.mlir'),
                                       '--output-dir', got, '--input', '%s=%s' % (
                                           input_name, os.path.join(calib_dir, m, n))],
                                      stdout=subprocess.DEVNULL)
                cosines.append(min_cosine(os.path.join(work, 'samples', n, 'ort'), got))
            if cosines:
                spread[m, method] = (float(np.mean(cosines)), min(cosines))
                print('%-20s %-10s %d calibration samples: mean cosine %.6f, smallest %.6f' %
                      (m, method, len(cosines), spread[m, method][0], spread[m, method][1]),
                      flush=True)
    print('\nsmallest output cosine vs ONNX Runtime float (int8 stage, test inputs)')
    print('%-20s ' % 'model' + ' '.join('%10s' % x for x in methods))
    for m in a.models:
        print('%-20s ' % m + ' '.join(
            '%10s' % ('%.6f' % results[m, x] if (m, x) in results else '-') for x in methods))
    if spread:
        print('\non the calibration samples (in-sample): mean / smallest output cosine')
        print('%-20s ' % 'model' + ' '.join('%17s' % x for x in methods))
        for m in a.models:
            print('%-20s ' % m + ' '.join(
                '%17s' % ('%.4f / %.4f' % spread[m, x] if (m, x) in spread else '-')
                for x in methods))
    if failed:
        print('FAILED: ' + ', '.join(failed))
        sys.exit(1)


if __name__ == '__main__':
    main()
