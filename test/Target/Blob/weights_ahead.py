#!/usr/bin/env python3
"""How far ahead of their DPU op a tasks-stage program loads weights.

    weights_ahead.py TASKS.mlir

A weights DMA ("X.pN.w") queued while op group g is emitted loads for DPU
op X; it is d DPU ops ahead when d DPU ops (X's predecessors, the one being
emitted among them) have their first DPU task in an op group in [g, the
group of X's first DPU task). The next op's prefetch is 1 ahead, the op
after an eltwise add 2. Prints the largest d.
"""
import re
import sys


def main():
    first_group = {}  # DPU op label -> op group of its first DPU task
    loads = []  # (DPU op label, op group the load was queued in)
    for line in open(sys.argv[1]):
        m = re.search(r'nputask\.dpu \w+ "(.+?)\.p\d+".*'
                      r'schedule = array<i64: \d+, (\d+)', line)
        if m:
            first_group.setdefault(m.group(1), int(m.group(2)))
            continue
        m = re.search(r'nputask\.dma "(.+?)\.p\d+\.w".*'
                      r'schedule = array<i64: \d+, (\d+)', line)
        if m:
            loads.append((m.group(1), int(m.group(2))))
    groups = sorted(first_group.values())
    ahead = [sum(1 for g in groups if group <= g < first_group[op])
             for op, group in loads if op in first_group]
    print("weights loaded up to %d DPU ops ahead" % max(ahead, default=0))


if __name__ == "__main__":
    main()
