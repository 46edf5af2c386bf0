#!/usr/bin/env python3
"""The main job on a real model: read a line of printed text with PP-OCRv4.

    demo.py --build BUILD_DIR --deps DEPS_DIR

1. crops the first text line of a real scanned page;
2. npu-compile: compiles the PP-OCRv4 recogniser to an fp16 blob for NPU 3720
   (every stage dumped);
3. npu-run: runs the blob on the simulated NPU 3720 through Level Zero,
   prints the modelled latency and writes a Perfetto trace;
4. npu-interpret: runs the fp16 stage on the CPU reference interpreter (the
   device must equal it bit for bit);
5. runs ONNX Runtime (float) on the same input, compares the outputs and
   decodes the text read on the NPU and by ONNX Runtime.
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


def count_ops(mlir_path):
    ops = {}
    with open(mlir_path) as f:
        for m in re.finditer(r'= (npu(?:hw)?\.[a-z_]+)', f.read()):
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

    print('== 2. compile to an fp16 blob for NPU 3720 (every stage dumped)')
    stages = os.path.join(work, 'stages')
    blob = os.path.join(work, 'ppocrv4_rec.blob')
    t0 = time.time()
    run([os.path.join(bin_dir, 'npu-compile'), model, '--input-shape', 'x=1,3,48,%d' % width,
         '--precision', 'fp16', '--target', 'NPU3720', '--dump-stages', stages, '-o', blob])
    canonical, fp16 = count_ops(os.path.join(stages, 'canonical.mlir')), \
        count_ops(os.path.join(stages, 'hwops.mlir'))
    print('   %.2f s, %d bytes; canonical.mlir: %d ops; hwops.mlir: %d DPU tasks, %d SHAVE '
          'kernels, %d DMA data movements\n' %
          (time.time() - t0, os.path.getsize(blob), sum(canonical.values()),
           fp16.get('npuhw.dpu_conv', 0) + fp16.get('npuhw.dpu_eltwise', 0),
           fp16.get('npuhw.shave', 0),
           sum(v for k, v in fp16.items() if k in ('npu.transpose', 'npu.slice', 'npu.concat'))))

    print('== 3. run the blob on the simulated NPU 3720 (Level Zero)')
    npu_out = os.path.join(work, 'npu')
    trace = os.path.join(work, 'ppocrv4_rec.trace.json')
    print(run([os.path.join(bin_dir, 'npu-run'), blob, '--input', 'x=' + x,
               '--output-dir', npu_out, '--trace', trace]))
    print('   timeline: %s (open it in https://ui.perfetto.dev)\n' % trace)

    print('== 4. the fp16 stage on the reference interpreter: the device must equal it')
    interp_out = os.path.join(work, 'interp')
    run([os.path.join(bin_dir, 'npu-interpret'), os.path.join(stages, 'fp16.mlir'),
         '--input', 'x=' + x, '--output-dir', interp_out])
    exact = all(np.array_equal(np.load(os.path.join(npu_out, f)),
                               np.load(os.path.join(interp_out, f)))
                for f in os.listdir(interp_out) if f.endswith('.npy'))
    print('   device == interpreter bit for bit: %s\n' % ('yes' if exact else 'NO'))

    print('== 5. ONNX Runtime (float) on the same input (the independent reference)')
    ort_out = os.path.join(work, 'ort')
    res = json.loads(run(['node', os.path.join(ROOT, 'tools', 'ort-oracle', 'ort-run.js'), model,
                          '--input', 'x=' + x, '--output-dir', ort_out]).strip().splitlines()[-1])
    print('   ONNX Runtime: %.1f ms' % res['times_ms'][0])
    ok = compare.compare_dirs(ort_out, npu_out, 0.999, 1.0) and exact
    with open(keys_file, encoding='utf-8') as f:
        keys = ['<blank>'] + f.read().splitlines() + [' ']
    name = res['outputs'][0]['file']
    text_npu = prepare_inputs.ctc_decode(np.load(os.path.join(npu_out, name))[0], keys)
    text_ort = prepare_inputs.ctc_decode(np.load(os.path.join(ort_out, name))[0], keys)
    print('   read on the simulated NPU 3720: "%s"' % text_npu)
    print('   read by ONNX Runtime (float):   "%s"\n' % text_ort)

    if not ok or text_npu != text_ort:
        print('demo: the NPU, the interpreter and ONNX Runtime disagree')
        sys.exit(1)
    print('demo: the blob on the simulated NPU equals the fp16 stage bit for bit and reads '
          'the same text as ONNX Runtime')


if __name__ == '__main__':
    main()
