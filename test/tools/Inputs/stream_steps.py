#!/usr/bin/env python3
"""Runs a stateful model over a stream step by step, feeding the state back.

    stream_steps.py ort MODEL.onnx STREAM.npy --state IN=OUT... --ort-run JS
                    --out DIR [--calib DIR]
    stream_steps.py check BLOB STAGE.mlir STREAM.npy --state IN=OUT...
                    --stream-out DIR --ort DIR --work DIR [--min-cosine C]

`ort`: ONNX Runtime (tools/ort-oracle/ort-run.js, one process a step), the
state inputs zeros at step 0 and each step's state outputs fed to the next;
writes every output stacked over the steps as DIR/<output>.npy, and with
--calib the inputs of every step (the states too) as DIR/<input>/NNNN.npy,
npu-compile's --calib-data layout.

`check`: for every step, the blob on the device (npu-run with --state-in /
--state-out) against the reference interpreter on STAGE.mlir (the state
given as plain inputs) from the same state, bit for bit, outputs and next
states; then the stacked outputs of `npu-run --steps` (in --stream-out)
equal the steps run one by one, and their cosine similarity to ONNX
Runtime's stacked outputs (--ort), over the whole stream, is at least C.
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'{" ".join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}')


def pairs(specs):
    return [tuple(s.split('=', 1)) for s in specs]


def steps_of(stream):
    return [stream[i:i + 1] for i in range(stream.shape[0])]


def ort(a):
    import onnx
    m = onnx.load(a.model)
    dims = {i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in m.graph.input}
    outputs = [o.name for o in m.graph.output]
    stream = np.load(a.stream)
    states = {i: np.zeros(dims[i], np.float32) for i, _ in pairs(a.state)}
    stacked = {o: [] for o in outputs}
    for s, x in enumerate(steps_of(stream)):
        step = os.path.join(a.out, 'steps', f'{s:04d}')
        os.makedirs(step, exist_ok=True)
        feeds = dict(states, x=x)
        cmd = ['node', a.ort_run, a.model, '--output-dir', step]
        for name, value in feeds.items():
            path = os.path.join(step, f'in_{name}.npy')
            np.save(path, value)
            cmd += ['--input', f'{name}={path}']
            if a.calib:
                os.makedirs(os.path.join(a.calib, name), exist_ok=True)
                np.save(os.path.join(a.calib, name, f'{s:04d}.npy'), value)
        run(cmd)
        for o in outputs:
            stacked[o].append(np.load(os.path.join(step, f'{o}.npy')))
        states = {i: stacked[o][-1] for i, o in pairs(a.state)}
    for o in outputs:
        np.save(os.path.join(a.out, f'{o}.npy'), np.concatenate(stacked[o]))
    print(f'ort: {stream.shape[0]} steps')


def cosine(a, b):
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def check(a):
    stream = np.load(a.stream)
    state_pairs = pairs(a.state)
    outputs = [os.path.splitext(f)[0] for f in sorted(os.listdir(a.stream_out))
               if f.endswith('.npy')]
    states = {}
    one_by_one = {o: [] for o in outputs}
    for s, x in enumerate(steps_of(stream)):
        step = os.path.join(a.work, f'{s:04d}')
        os.makedirs(step, exist_ok=True)
        np.save(os.path.join(step, 'x.npy'), x)
        dev = ['npu-run', a.blob, '--input', f'x={step}/x.npy', '--output-dir',
               f'{step}/dev', '--state-out', f'{step}/dev/state']
        ref = ['npu-interpret', a.stage, '--input', f'x={step}/x.npy',
               '--output-dir', f'{step}/ref']
        for name, _ in state_pairs:
            if s == 0:
                ref += ['--input', f'{name}={a.work}/zero_{name}.npy']
                continue
            path = f'{a.work}/{s - 1:04d}/dev/state/{name}.npy'
            dev += ['--state-in', f'{name}={path}']
            ref += ['--input', f'{name}={path}']
        run(dev)
        if s == 0:
            # The interpreter starts from the zeros a new request starts from.
            for name, _ in state_pairs:
                shape = np.load(f'{step}/dev/state/{name}.npy').shape
                np.save(f'{a.work}/zero_{name}.npy', np.zeros(shape, np.float32))
        run(ref)
        for o in outputs:
            d = np.load(f'{step}/dev/{o}.npy')
            r = np.load(f'{step}/ref/{o}.npy')
            if d.tobytes() != r.tobytes():
                sys.exit(f'step {s}: output {o}: device != interpreter')
            one_by_one[o].append(d)
        for name, out in state_pairs:
            d = np.load(f'{step}/dev/state/{name}.npy')
            r = np.load(f'{step}/ref/{out}.npy')
            if d.tobytes() != r.tobytes():
                sys.exit(f'step {s}: state {name}: device != interpreter ({out})')
    print(f'{stream.shape[0]} steps: device == interpreter, outputs and states')
    worst = 1.0
    for o in outputs:
        streamed = np.load(os.path.join(a.stream_out, f'{o}.npy'))
        if streamed.tobytes() != np.concatenate(one_by_one[o]).tobytes():
            sys.exit(f'{o}: npu-run --steps differs from the steps run one by one')
        ref = np.load(os.path.join(a.ort, f'{o}.npy'))
        c = cosine(streamed, ref)
        per_step = min(cosine(streamed[i], ref[i]) for i in range(ref.shape[0]))
        worst = min(worst, c)
        print(f'{o}: --steps == one by one; cosine vs ORT {c:.6f} over the stream, '
              f'worst step {per_step:.6f}')
    if worst < a.min_cosine:
        sys.exit(f'cosine {worst:.6f} < {a.min_cosine}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    o = sub.add_parser('ort')
    o.add_argument('model')
    o.add_argument('stream')
    o.add_argument('--state', action='append', required=True)
    o.add_argument('--ort-run', required=True)
    o.add_argument('--out', required=True)
    o.add_argument('--calib')
    c = sub.add_parser('check')
    c.add_argument('blob')
    c.add_argument('stage')
    c.add_argument('stream')
    c.add_argument('--state', action='append', required=True)
    c.add_argument('--stream-out', required=True)
    c.add_argument('--ort', required=True)
    c.add_argument('--work', required=True)
    c.add_argument('--min-cosine', type=float, default=0.99)
    a = ap.parse_args()
    ort(a) if a.cmd == 'ort' else check(a)


if __name__ == '__main__':
    main()
