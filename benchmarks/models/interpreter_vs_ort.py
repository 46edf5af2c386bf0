#!/usr/bin/env python3
"""Whole-model speed of the reference interpreter against ONNX Runtime.

    interpreter_vs_ort.py --build BUILD_DIR [--deps DEPS] [--model ppocrv4_det]
                          [--repeat 5] [--threads 1]

Runs the model on the same real input (test/e2e/prepare_inputs.py) in both,
side by side in one run (machines are shared and noisy), with the same number
of threads, and prints the fastest and median time of each and the ratio.
Only inference is timed: import and compilation (ours) and session creation
(ONNX Runtime) are not.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'test', 'e2e'))
import prepare_inputs  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--deps', default=os.path.expanduser('~/.cache/npu-compile'))
    ap.add_argument('--model', default='ppocrv4_det')
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        prepare_inputs.clear(tmp)
        if a.model.startswith('ppocr'):
            prepare_inputs.prepare_ocr(a.deps, tmp)
        else:
            prepare_inputs.prepare_wakeword(a.deps, tmp)
        d = os.path.join(tmp, a.model)
        with open(os.path.join(d, 'inputs.tsv')) as f:
            ins = [line.rstrip('\n').split('\t') for line in f if line.strip()]
        feeds = []
        for name, file, _ in ins:
            feeds += ['--input', '%s=%s' % (name, os.path.join(d, file))]
        model = os.path.join(a.deps, 'models', a.model + '.onnx')
        # Interleave the two so that machine noise hits both alike.
        ours, theirs = [], []
        for _ in range(2):
            out = subprocess.check_output(
                [os.path.join(a.build, 'bin', 'npu-interpret'), model, '--output-dir',
                 os.path.join(tmp, 'npu'), '--num-threads', str(a.threads),
                 '--repeat', str(a.repeat)] + feeds, text=True)
            m = re.search(r'time\s+([\d.]+) ms(?: \(fastest of \d+ runs; median ([\d.]+) ms\))?', out)
            ours.append((float(m.group(1)), float(m.group(2) or m.group(1))))
            res = json.loads(subprocess.check_output(
                ['node', os.path.join(ROOT, 'tools', 'ort-oracle', 'ort-run.js'), model,
                 '--threads', str(a.threads), '--repeat', str(a.repeat), '--warmup', '1'] + feeds,
                text=True).strip().splitlines()[-1])
            t = sorted(res['times_ms'])
            theirs.append((t[0], t[len(t) // 2]))
    best_ours = min(x[0] for x in ours)
    best_theirs = min(x[0] for x in theirs)
    med_ours = sorted(x[1] for x in ours)[0]
    med_theirs = sorted(x[1] for x in theirs)[0]
    shapes = ', '.join('%s=%s' % (n, s) for n, _, s in ins)
    print('%s (%s), %d thread(s), %d runs x 2 rounds:' % (a.model, shapes, a.threads, a.repeat))
    print('  reference interpreter: fastest %8.1f ms  median %8.1f ms' % (best_ours, med_ours))
    print('  ONNX Runtime 1.30:     fastest %8.1f ms  median %8.1f ms' % (best_theirs, med_theirs))
    print('  interpreter / ONNX Runtime: %.2fx (fastest), %.2fx (median)' %
          (best_ours / best_theirs, med_ours / med_theirs))


if __name__ == '__main__':
    main()
