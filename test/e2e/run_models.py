#!/usr/bin/env python3
"""End to end on the real development models: npu-interpret vs ONNX Runtime.

    run_models.py --tools BIN_DIR --deps DEPS_DIR --work DIR [MODEL...]

For each model, prepares real inputs (prepare_inputs.py), runs the reference
interpreter through `npu-interpret` (ONNX import, canonicalization,
interpretation) and ONNX Runtime on the same inputs, and checks every output:
cosine similarity >= 0.99999 and max |error| <= 1e-3 of the reference's max
magnitude, or of 0.01 when every value is smaller: the wake-word head on
speech without the wake word gives a probability of 1.5e-5, where ONNX
Runtime's logistic is an approximation (on an AMD EPYC, 2026-12-03: 1.4782e-5
for the logit -11.118605, whose sigmoid is 1.4834e-5, what npu-interpret
gives). Exit status 1 if any model fails.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402

MODELS = ['ppocr_cls_mobile_v2', 'ppocrv4_det', 'ppocrv4_rec',
          'oww_melspectrogram', 'oww_embedding', 'oww_alexa_v0.1']


def read_inputs(d):
    with open(os.path.join(d, 'inputs.tsv')) as f:
        return [line.rstrip('\n').split('\t') for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tools', required=True)
    ap.add_argument('--deps', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('models', nargs='*', default=MODELS)
    a = ap.parse_args()
    inputs_dir = os.path.join(a.work, 'inputs')
    subprocess.check_call(['/usr/bin/python3', os.path.join(HERE, 'prepare_inputs.py'),
                           a.deps, inputs_dir])
    ort_run = os.path.join(HERE, '..', '..', 'tools', 'ort-oracle', 'ort-run.js')
    failed = []
    for m in a.models:
        model = os.path.join(a.deps, 'models', m + '.onnx')
        d = os.path.join(inputs_dir, m)
        ins = read_inputs(d)
        ref_dir = os.path.join(a.work, m, 'ort')
        got_dir = os.path.join(a.work, m, 'npu')
        os.makedirs(ref_dir, exist_ok=True)
        os.makedirs(got_dir, exist_ok=True)
        feeds = []
        for name, file, _ in ins:
            feeds += ['--input', '%s=%s' % (name, os.path.join(d, file))]
        t0 = time.time()
        subprocess.check_call(['node', ort_run, model, '--output-dir', ref_dir] + feeds,
                              stdout=subprocess.DEVNULL)
        t1 = time.time()
        cmd = [os.path.join(a.tools, 'npu-interpret'), model, '--output-dir', got_dir] + feeds
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t2 = time.time()
        print('%s (inputs %s): ORT %.2f s, npu-interpret %.2f s' %
              (m, ', '.join('%s=%s' % (n, s) for n, _, s in ins), t1 - t0, t2 - t1))
        if r.returncode != 0:
            print('  npu-interpret failed:\n' + r.stdout)
            failed.append(m)
            continue
        if not compare.compare_dirs(ref_dir, got_dir, 0.99999, 1e-3,
                                    scale_floor=0.01):
            failed.append(m)
    if failed:
        print('FAILED: ' + ', '.join(failed))
        sys.exit(1)
    print('all %d models agree with ONNX Runtime' % len(a.models))


if __name__ == '__main__':
    main()
