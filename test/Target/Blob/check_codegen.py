#!/usr/bin/env python3
"""Numeric check of code generation, run from lit.

    check_codegen.py MODEL WORK_DIR --target T [--opts O] [--ref-opts R]

Generates MODEL with Inputs/gen_hwops.py, compiles it twice with
npu-opt --npu-write-blob (options O, and the reference options R, by
default one tile and no piece limit), verifies both blobs, runs both with
npu-run on the same inputs and requires every output to be equal byte for
byte, and neither blob may have a race (check_races.py); outputs that
NumPy computes exactly (WORK_DIR/expected) must match
too, and so must npu-interpret on the same function (the reference
interpreter runs npuhw ops with the device's arithmetic). Prints one line per compared output; exits 1 on any difference.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.stdout.write("command failed: %s\n%s" % (" ".join(cmd), r.stdout))
        sys.exit(1)
    return r.stdout


def compile_and_run(work, tag, target, opts, inputs):
    blob = os.path.join(work, tag + ".blob")
    run(["npu-opt", os.path.join(work, "model.mlir"), "-o", os.devnull,
         "--npu-write-blob=output=%s target=%s %s" % (blob, target, opts)])
    run(["npu-blob", "verify", "--target", target, blob])
    with open(blob + ".json", "w") as f:
        f.write(run(["npu-blob", "dump", "--json", blob]))
    races = run([sys.executable, os.path.join(HERE, "check_races.py"), blob + ".json"])
    print("%s: %s" % (tag, races.strip()))
    out = os.path.join(work, tag)
    cmd = ["npu-run", blob, "--output-dir", out]
    for name in inputs:
        cmd += ["--input", "%s=%s" % (name, os.path.join(work, name + ".npy"))]
    text = run(cmd)
    latency = [l for l in text.splitlines() if l.startswith("modelled NPU latency")]
    return out, latency[0] if latency else ""


def same(a, b):
    x, y = np.load(a), np.load(b)
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("work")
    ap.add_argument("--target", default="NPU3720")
    ap.add_argument("--opts", default="")
    ap.add_argument("--ref-opts", default="tiles=1")
    a = ap.parse_args()

    os.makedirs(a.work, exist_ok=True)
    run([sys.executable, os.path.join(HERE, "Inputs", "gen_hwops.py"), a.model, a.work])
    inputs = sorted(f[:-4] for f in os.listdir(a.work) if f.endswith(".npy"))
    tiled, latency = compile_and_run(a.work, "tiled", a.target, a.opts, inputs)
    ref, _ = compile_and_run(a.work, "ref", a.target, a.ref_opts, inputs)
    print(latency)

    interp = os.path.join(a.work, "interp")
    cmd = ["npu-interpret", os.path.join(a.work, "model.mlir"), "--output-dir", interp]
    for name in inputs:
        cmd += ["--input", "%s=%s" % (name, os.path.join(a.work, name + ".npy"))]
    run(cmd)

    ok = True
    for f in sorted(os.listdir(tiled)):
        checks = [("reference", os.path.join(ref, f))]
        exp = os.path.join(a.work, "expected", f)
        if os.path.exists(exp):
            checks.append(("numpy", exp))
        checks.append(("interpreter", os.path.join(interp, f)))
        for what, other in checks:
            good = same(os.path.join(tiled, f), other)
            ok &= good
            print("%s: %s %s" % (f[:-4], what, "equal" if good else "DIFFERS"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
