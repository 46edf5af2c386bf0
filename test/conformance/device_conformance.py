"""ONNX's own node tests (Debian's libonnx-testdata) on the simulated NPU:
each compiled with `npu-compile --precision fp16` and run with `npu-run`,
against the outputs ONNX expects: integers exactly, floats within
float16's rounding (relative 1e-3 of the largest expected value).

  device_conformance.py --work DIR TEST...        run these; "NAME ok" or
                                                  "NAME FAILED: why" each
  device_conformance.py --work DIR --expected F   run F's tests; exit 1 if
                                                  any fails
  device_conformance.py --work DIR --update F --from G
                                                  run G's tests, write those
                                                  that pass to F

npu-compile and npu-run are taken from --bin, else from PATH."""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

NODE = "/usr/share/libonnx-testdata/data/node"


def tensor(path):
    return numpy_helper.to_array(onnx.load_tensor(path))


def run(tool, work, name):
    """None if the test passes on the device, else why not. Inputs whose
    value the compiler needs (a Resize's scales, a Reshape's shape) are
    given to it with --input-value, as a user would, and frozen."""
    case = os.path.join(NODE, name)
    model = onnx.load(os.path.join(case, "model.onnx"))
    data = os.path.join(case, "test_data_set_0")
    blob = os.path.join(work, name + ".blob")
    paths = {}
    for k, i in enumerate(model.graph.input):
        paths[i.name] = os.path.join(work, "%s.%s.npy" % (name, i.name))
        np.save(paths[i.name], tensor(os.path.join(data, "input_%d.pb" % k)))
    frozen = []
    while True:
        values = ["--input-value=%s=%s" % (n, paths[n]) for n in frozen]
        r = subprocess.run([tool("npu-compile"), os.path.join(case, "model.onnx"), "--precision",
                            "fp16", *values, "-o", blob], capture_output=True, text=True)
        needed = [n for n in re.findall(r"must be known at compile time, but it depends on "
                                        r"the graph input '([^']+)'", r.stderr)
                  if n in paths and n not in frozen]
        if not r.returncode or not needed:
            break
        frozen += sorted(set(needed))
    if r.returncode:
        return "does not compile: " + r.stderr.strip()
    args = []
    for i in model.graph.input:
        if i.name not in frozen:
            args += ["--input", "%s=%s" % (i.name, paths[i.name])]
    out = os.path.join(work, name + ".out")
    r = subprocess.run([tool("npu-run"), blob, *args, "--output-dir", out], capture_output=True,
                       text=True)
    if r.returncode:
        return "does not run: " + r.stderr.strip()
    for k, o in enumerate(model.graph.output):
        want = tensor(os.path.join(data, "output_%d.pb" % k))
        got = np.load(os.path.join(out, o.name + ".npy"))
        if got.shape != want.shape or got.dtype != want.dtype:
            return "%s is %s %s, expected %s %s" % (o.name, got.dtype, got.shape, want.dtype,
                                                     want.shape)
        if want.dtype.kind in "iub":
            same = np.array_equal(got, want)
        else:
            same = np.allclose(got, want, rtol=1e-3, atol=1e-3 * max(1.0, np.abs(want).max()))
        if not same:
            return "%s differs: %s, expected %s" % (o.name, got.ravel()[:8], want.ravel()[:8])
    return None


def names_in(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--work", required=True)
    p.add_argument("--bin", help="directory of npu-compile and npu-run")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--expected")
    p.add_argument("--update")
    p.add_argument("--from", dest="source")
    p.add_argument("tests", nargs="*")
    a = p.parse_args()
    tool = (lambda t: os.path.join(a.bin, t)) if a.bin else (lambda t: t)
    names = a.tests or names_in(a.expected or a.source)
    os.makedirs(a.work, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as pool:
        errors = list(pool.map(lambda n: run(tool, a.work, n), names))
    if a.update:
        passing = [n for n, e in zip(names, errors) if e is None]
        with open(a.update, "w") as f:
            f.write("# ONNX node tests that pass on the simulated NPU in fp16\n"
                    "# (test/conformance/device_conformance.py --update)\n")
            f.write("".join(n + "\n" for n in passing))
        print("%d of %d pass; written to %s" % (len(passing), len(names), a.update))
        return 0
    failed = 0
    for name, error in zip(names, errors):
        if error is None:
            if not a.expected:
                print(name, "ok")
        else:
            print(name, "FAILED: " + error)
            failed += 1
    if a.expected:
        print("%d of %d expected to pass on the device pass" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
