#!/usr/bin/env python3
"""Race check of a blob's schedule (from `npu-blob dump --json`).

    check_races.py BLOB.json

Two tasks that touch overlapping bytes, one of them writing, must be
ordered by the queues and barriers (happens-before: the previous task of a
queue, and every producer of a barrier a task waits for, transitively).
The simulator runs one legal order, so a race could go unnoticed in the
numeric tests; this checks all orders. Prints "no races" or the first
races found and exits 1.
"""
import itertools
import json
import sys

SIZES = {"i8": 1, "u8": 1, "f16": 2, "bf16": 2, "f32": 4, "i32": 4}


def main():
    d = json.load(open(sys.argv[1]))
    bufs = d["buffers"]
    tasks, queue_prev = [], []
    for lst in d["task_lists"]:
        prev = None
        for t in lst["tasks"]:
            queue_prev.append(prev)
            prev = len(tasks)
            tasks.append(t)
    producers = {}
    for i, t in enumerate(tasks):
        for b in t["update"]:
            producers.setdefault(b, []).append(i)

    # Happens-before as bitsets, in a topological order (Kahn).
    preds = [set() for _ in tasks]
    for i, t in enumerate(tasks):
        if queue_prev[i] is not None:
            preds[i].add(queue_prev[i])
        for b in t["wait"]:
            preds[i].update(producers.get(b, []))
    before = [0] * len(tasks)
    done = [False] * len(tasks)
    remaining = len(tasks)
    while remaining:
        progress = False
        for i in range(len(tasks)):
            if done[i] or not all(done[p] for p in preds[i]):
                continue
            m = 0
            for p in preds[i]:
                m |= before[p] | (1 << p)
            before[i] = m
            done[i] = True
            remaining -= 1
            progress = True
        if not progress:
            print("deadlock")
            return 1

    def access(ref, write):
        b = bufs[ref["buffer"]]
        ext = SIZES[ref["dtype"]] + sum((n - 1) * s for n, s in zip(ref["shape"], ref["strides"]))
        key = (b["space"], 0 if b["space"] in ("scratch", "weights") else b["index"])
        start = b["offset"] + ref["offset"]
        return (key, start, start + ext, write, ref)

    def runs(a):
        """The byte intervals a strided view touches (its hull if too many)."""
        ref, start = a[4], a[1]
        elem = SIZES[ref["dtype"]]
        shape, strides = list(ref["shape"]), list(ref["strides"])
        run = elem
        if strides[-1] == elem:
            run = elem * shape[-1]
            shape, strides = shape[:-1], strides[:-1]
        count = 1
        for n in shape:
            count *= n
        if count > 200000:
            return [(a[1], a[2])]
        out = []
        for idx in itertools.product(*[range(n) for n in shape]):
            o = start + sum(i * s for i, s in zip(idx, strides))
            out.append((o, o + run))
        return sorted(out)

    def overlap(x, y):
        if not (x[1] < y[2] and y[1] < x[2]):
            return False
        rx, ry = runs(x), runs(y)
        i = j = 0
        while i < len(rx) and j < len(ry):
            if rx[i][0] < ry[j][1] and ry[j][0] < rx[i][1]:
                return True
            if rx[i][1] <= ry[j][1]:
                i += 1
            else:
                j += 1
        return False

    acc = []
    for t in tasks:
        a = []
        if t["kind"] == "dma":
            a = [access(t["src"], False), access(t["dst"], True)]
        elif t["kind"] == "dpu":
            for k in ("input", "input2", "weights", "weight_table"):
                if t.get(k):
                    a.append(access(t[k], False))
            a.append(access(t["output"], True))
        else:
            a = [access(r, False) for r in t["inputs"]] + [access(r, True) for r in t["outputs"]]
        acc.append(a)

    races = 0
    for i in range(len(tasks)):
        for j in range(i):
            if (before[i] >> j) & 1 or (before[j] >> i) & 1:
                continue
            for x in acc[i]:
                for y in acc[j]:
                    if (x[3] or y[3]) and x[0] == y[0] and overlap(x, y):
                        races += 1
                        if races <= 5:
                            print("race: '%s' and '%s' on %s [%d, %d) / [%d, %d)" % (
                                tasks[j]["name"], tasks[i]["name"], x[0], y[1], y[2], x[1], x[2]))
    if races:
        print("%d races" % races)
        return 1
    print("no races")
    return 0


if __name__ == "__main__":
    sys.exit(main())
