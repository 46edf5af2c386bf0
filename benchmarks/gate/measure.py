#!/usr/bin/env python3
"""Measures the figures the CI regression gate compares with its baseline.

    measure.py --tools BIN_DIR --deps DEPS_DIR --work DIR -o CURRENT.json
               [--e2e FIGURES.json]... [--no-benchmark] [--benchmark-repeats N]

Writes {"figures": {"MODEL/TARGET/PRECISION/FIGURE": number}} with
  - the development models' figures that ctest's e2e-backend and
    e2e-backend-int8 wrote (--e2e; test/e2e/run_backend.py --figures), so
    nothing is compiled twice;
  - ResNet-50 v1.5 and MobileNetV2 (benchmarks/models/gen_models.py, random
    weights, seed 0) compiled to int8 for NPU3720 without calibration data,
    run on the simulator on one seeded random input: blob bytes, CMX peak,
    DDR scratch and traffic, modelled latency, and the cosine against ONNX
    Runtime on the same input (test/e2e/figures.py);
  - FEIL and FIL over ONNX Runtime's session creation + first run, measured
    in the same run by `npu-benchmark --runs 5` on oww_embedding (fp16,
    NPU3720), unless --no-benchmark; with --benchmark-repeats N (what
    `scripts/gate.sh --update` uses for the baseline) the median of N such
    measurements.
Exit status 1 if a step fails.
"""
import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'test', 'e2e'))
import figures  # noqa: E402
from figures import run  # noqa: E402

GENERATED = ['resnet50_v1.5', 'mobilenet_v2']
BENCH_MODEL = 'oww_embedding'
BENCH_ARGS = ['--target', 'NPU3720', '--precision', 'fp16', '--input-shape', 'input_1=1,76,32,1']


def generated_model_figures(a, tool):
    models = os.path.join(a.work, 'models')
    if not all(os.path.exists(os.path.join(models, m + '.onnx')) for m in GENERATED):
        run(['/usr/bin/python3', os.path.join(ROOT, 'benchmarks', 'models', 'gen_models.py'),
             models, '--models', ','.join(GENERATED)])
    ort_run = os.path.join(ROOT, 'tools', 'ort-oracle', 'ort-run.js')
    out = {}
    for m in GENERATED:
        onnx_path = os.path.join(models, m + '.onnx')
        w = os.path.join(a.work, m)
        os.makedirs(w, exist_ok=True)
        x = os.path.join(w, 'input.npy')
        np.save(x, np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32))
        blob = os.path.join(w, m + '.blob')
        run([tool('npu-compile'), onnx_path, '-o', blob, '--target', 'NPU3720',
             '--precision', 'int8'])
        run_json = os.path.join(w, 'run.json')
        run([tool('npu-run'), blob, '--input', 'input=' + x, '--output-dir',
             os.path.join(w, 'device'), '--json', run_json])
        run(['node', ort_run, onnx_path, '--input', 'input=' + x, '--output-dir',
             os.path.join(w, 'ort')])
        got = figures.blob_figures(tool('npu-blob'), blob)
        got.update(figures.run_figures(run_json))
        got['cosine'] = figures.min_cosine(os.path.join(w, 'ort'), os.path.join(w, 'device'))
        out.update(figures.keyed('%s/NPU3720/int8' % m, got))
    return out


def benchmark_figures(a, tool):
    feil, fil = [], []
    for i in range(a.benchmark_repeats):
        j = os.path.join(a.work, 'benchmark%d.json' % i)
        run([tool('npu-benchmark'), '-m', os.path.join(a.deps, 'models', BENCH_MODEL + '.onnx'),
             '--runs', '5', '--iterations', '2', '--json', j] + BENCH_ARGS)
        with open(j) as f:
            ratios = json.load(f)['ratios']
        feil.append(ratios['feil_over_ort'])
        fil.append(ratios['fil_over_ort'])
    prefix = '%s/NPU3720/fp16' % BENCH_MODEL
    return {prefix + '/feil_over_ort': round(float(np.median(feil)), 3),
            prefix + '/fil_over_ort': round(float(np.median(fil)), 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--tools', required=True)
    ap.add_argument('--deps', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('-o', dest='output', required=True)
    ap.add_argument('--e2e', action='append', default=[], metavar='FIGURES.json')
    ap.add_argument('--no-benchmark', action='store_true')
    ap.add_argument('--benchmark-repeats', type=int, default=1, metavar='N',
                    help='the median of N npu-benchmark measurements')
    a = ap.parse_args()
    tool = lambda name: os.path.join(a.tools, name)  # noqa: E731
    got = {}
    try:
        for path in a.e2e:
            with open(path) as f:
                got.update(json.load(f)['figures'])
        got.update(generated_model_figures(a, tool))
        if not a.no_benchmark:
            got.update(benchmark_figures(a, tool))
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print('gate: measuring failed: %s' % e, file=sys.stderr)
        return 1
    figures.write_figures(a.output, got)
    print('gate: %d figures in %s' % (len(got), a.output))
    return 0


if __name__ == '__main__':
    sys.exit(main())
