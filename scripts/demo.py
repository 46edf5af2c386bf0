#!/usr/bin/env python3
"""The main job on a real model: read a line of printed text with PP-OCRv4.

    demo.py --build BUILD_DIR --deps DEPS_DIR

1. crops the first text line of a real scanned page;
2. npu-compile: imports the PP-OCRv4 recogniser, canonicalizes it, dumps the
   origin and canonical stages;
3. npu-interpret: runs the canonical stage on the CPU reference interpreter;
4. runs ONNX Runtime on the same input, compares every output and decodes the
   text both read;
5. runs a sample int8 blob on the simulated NPU 3720 through Level Zero.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'test', 'e2e'))
import compare  # noqa: E402
import prepare_inputs  # noqa: E402


def run(cmd, **kw):
    print('$ ' + ' '.join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE, **kw).stdout


def ctc_decode(probs, keys):
    idx = probs.argmax(axis=-1)[0]
    out, prev = [], 0
    for i in idx:
        if i != prev and i != 0 and i < len(keys):
            out.append(keys[i])
        prev = i
    return ''.join(out)


def count_ops(mlir_path):
    ops = {}
    with open(mlir_path) as f:
        for m in re.finditer(r'= (npu\.[a-z_]+)', f.read()):
            ops[m.group(1)] = ops.get(m.group(1), 0) + 1
    return ops


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--deps', required=True)
    a = ap.parse_args()
    bin_dir = os.path.join(a.build, 'bin')
    work = os.path.join(a.build, 'demo')
    model = os.path.join(a.deps, 'models', 'ppocrv4_rec.onnx')
    keys_file = os.path.join(a.deps, 'models', 'ppocrv4_rec_keys.txt')

    print('== 1. input: the first text line of a scanned page (opencv-doc imageTextN.png)')
    inputs = os.path.join(work, 'inputs')
    prepare_inputs.clear(inputs)
    width = prepare_inputs.prepare_ocr(a.deps, inputs)
    x = os.path.join(inputs, 'ppocrv4_rec', 'x.npy')
    print('   x: 1x3x48x%d float32 -> %s\n' % (width, x))

    print('== 2. compile: import + canonicalize (stages dumped)')
    stages = os.path.join(work, 'stages')
    t0 = time.time()
    run([os.path.join(bin_dir, 'npu-compile'), model, '--input-shape', 'x=1,3,48,%d' % width,
         '--compile-to=canonical', '--dump-stages', stages,
         '-o', os.path.join(work, 'ppocrv4_rec.canonical.mlir')])
    origin, canonical = count_ops(os.path.join(stages, 'origin.mlir')), \
        count_ops(os.path.join(stages, 'canonical.mlir'))
    print('   %.2f s; origin.mlir: %d ops, canonical.mlir: %d ops (%d constants)\n' %
          (time.time() - t0, sum(origin.values()), sum(canonical.values()),
           canonical.get('npu.constant', 0)))

    print('== 3. run the canonical stage on the reference interpreter')
    npu_out = os.path.join(work, 'npu')
    print(run([os.path.join(bin_dir, 'npu-interpret'), os.path.join(stages, 'canonical.mlir'),
               '--input', 'x=' + x, '--output-dir', npu_out]))

    print('== 4. ONNX Runtime on the same input (the independent reference)')
    ort_out = os.path.join(work, 'ort')
    res = json.loads(run(['node', os.path.join(ROOT, 'tools', 'ort-oracle', 'ort-run.js'), model,
                          '--input', 'x=' + x, '--output-dir', ort_out]).strip().splitlines()[-1])
    print('   ONNX Runtime: %.1f ms' % res['times_ms'][0])
    ok = compare.compare_dirs(ort_out, npu_out, 0.99999, 1e-3)
    with open(keys_file, encoding='utf-8') as f:
        keys = ['<blank>'] + f.read().splitlines() + [' ']
    name = res['outputs'][0]['file']
    text_npu = ctc_decode(np.load(os.path.join(npu_out, name)), keys)
    text_ort = ctc_decode(np.load(os.path.join(ort_out, name)), keys)
    print('   npu-compile + interpreter read: "%s"' % text_npu)
    print('   ONNX Runtime read:              "%s"\n' % text_ort)

    print('== 5. the runtime half: a sample int8 convolution blob on the simulated NPU 3720')
    samples = os.path.join(a.build, 'samples', 'NPU3720')
    print(run([os.path.join(bin_dir, 'npu-run'), os.path.join(samples, 'conv_relu_int8.blob'),
               '--input', 'input=' + os.path.join(samples, 'conv_relu_int8.input.npy'),
               '--output-dir', os.path.join(work, 'npu-run')]))

    if not ok or text_npu != text_ort:
        print('demo: the interpreter and ONNX Runtime disagree')
        sys.exit(1)
    print('demo: the interpreter agrees with ONNX Runtime and reads the same text')


if __name__ == '__main__':
    main()
