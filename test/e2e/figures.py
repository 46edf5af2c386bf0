"""The deterministic figures of a compiled model, for the CI regression gate.

    blob_figures(npu_blob, blob)     -> blob_bytes, cmx_peak_bytes,
                                        ddr_scratch_bytes, ddr_traffic_bytes
    run_figures(npu_run_json)        -> modelled_latency_us
    min_cosine(ref_dir, got_dir)     -> the lowest cosine over the outputs
    write_figures(path, figures)     -> the gate's JSON ({"figures": {...}})

Figures are keyed "MODEL/TARGET/PRECISION/FIGURE" (benchmarks/gate/compare.py
and docs/benchmark.md, "Regression gate"). They depend only on the compiler
and the simulator's cost model, never on the host's speed:

- blob_bytes: the blob file's size;
- cmx_peak_bytes: the most CMX the blob uses on one tile (`cmx_used`);
- ddr_scratch_bytes: the DDR scratch one infer request needs;
- ddr_traffic_bytes: bytes the DMA tasks read from or write to DDR (weights,
  scratch, inputs, outputs) in one inference; a DDR to DDR copy counts twice;
- modelled_latency_us: npu-run's modelled NPU latency;
- cosine: the lowest cosine similarity of an output against ONNX Runtime
  (-1 for an output with NaN or infinity, a missing or misshapen one 0).
"""
import json
import math
import os
import re
import subprocess

import numpy as np

import compare

_DTYPE_BITS = re.compile(r'(\d+)$')


def _ref_bytes(ref):
    m = _DTYPE_BITS.search(ref['dtype'])
    elem = int(m.group(1)) // 8 if m else 1
    return int(np.prod(ref['shape'], dtype=np.int64)) * max(elem, 1)


def ddr_traffic(dump):
    """Bytes DMA tasks move to or from DDR, from `npu-blob dump --json`."""
    space = [b['space'] for b in dump['buffers']]
    total = 0
    for task_list in dump['task_lists']:
        for t in task_list['tasks']:
            if t['kind'] != 'dma':
                continue
            for end in (t['src'], t['dst']):
                if space[end['buffer']] != 'cmx':
                    total += _ref_bytes(end)
    return total


def run(cmd, **kw):
    """Runs a tool; its stdout and stderr, or RuntimeError with their end."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError('%s failed (exit %d):\n%s' % (' '.join(cmd), r.returncode,
                                                         r.stdout[-4000:]))
    return r.stdout


def blob_figures(npu_blob, blob):
    dump = json.loads(run([npu_blob, 'dump', '--json', blob]))
    return {'blob_bytes': os.path.getsize(blob),
            'cmx_peak_bytes': max(dump['memory']['cmx_used'] or [0]),
            'ddr_scratch_bytes': dump['memory']['scratch_size'],
            'ddr_traffic_bytes': ddr_traffic(dump)}


def run_figures(run_json):
    with open(run_json) as f:
        return {'modelled_latency_us': json.load(f)['modelled_latency_us']}


def min_cosine(ref_dir, got_dir):
    cosines = []
    for name in sorted(f for f in os.listdir(ref_dir) if f.endswith('.npy')):
        path = os.path.join(got_dir, name)
        if not os.path.exists(path):
            return 0.0
        ref, got = np.load(os.path.join(ref_dir, name)), np.load(path)
        cos = compare.metrics(ref, got)[0] if ref.shape == got.shape else 0.0
        # NaN or infinity in an output (fp16 overflow): no agreement at all.
        cosines.append(cos if math.isfinite(cos) else -1.0)
    return round(min(cosines), 6) if cosines else 0.0


def keyed(prefix, figures):
    return {'%s/%s' % (prefix, k): v for k, v in figures.items()}


def write_figures(path, figures):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'figures': dict(sorted(figures.items()))}, f, indent=1)
        f.write('\n')
