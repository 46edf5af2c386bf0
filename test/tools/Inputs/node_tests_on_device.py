"""node_tests_on_device.py WORKDIR TEST...: ONNX's own node tests
(Debian's libonnx-testdata) compiled with `npu-compile --precision fp16`
and run with `npu-run` on the simulated NPU, against the outputs ONNX
expects: integers exactly, floats within float16's rounding. Prints
"NAME ok" per test; exits 1 if any fails."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

NODE = "/usr/share/libonnx-testdata/data/node"


def tensor(path):
    return numpy_helper.to_array(onnx.load_tensor(path))


def run(work, name):
    case = os.path.join(NODE, name)
    model = onnx.load(os.path.join(case, "model.onnx"))
    data = os.path.join(case, "test_data_set_0")
    blob = os.path.join(work, name + ".blob")
    r = subprocess.run(["npu-compile", os.path.join(case, "model.onnx"), "--precision", "fp16",
                        "-o", blob], capture_output=True, text=True)
    if r.returncode:
        return "does not compile: " + r.stderr.strip()
    args = []
    for k, i in enumerate(model.graph.input):
        path = os.path.join(work, "%s.%s.npy" % (name, i.name))
        np.save(path, tensor(os.path.join(data, "input_%d.pb" % k)))
        args += ["--input", "%s=%s" % (i.name, path)]
    out = os.path.join(work, name + ".out")
    r = subprocess.run(["npu-run", blob, *args, "--output-dir", out], capture_output=True,
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


def main():
    work, names = sys.argv[1], sys.argv[2:]
    os.makedirs(work, exist_ok=True)
    failed = 0
    for name in names:
        error = run(work, name)
        print(name, "ok" if error is None else "FAILED: " + error)
        failed += error is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
