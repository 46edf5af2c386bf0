"""Shared by the test model generators (gen_attention.py, gen_vit_block.py):
initializers, the saved model, and the input and calibration samples."""
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper


class Initializers(list):
    """The graph's initializers; const() adds one and returns its name."""

    def const(self, name, value):
        self.append(numpy_helper.from_array(np.asarray(value), name))
        return name


def save_model(graph, path, opset=17):
    """Checks and writes `graph` as an ONNX model (IR version 8)."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def save_samples(out, rng, shape, calibration=4):
    """OUT/x.npy (the test input) and OUT/calib/NNN.npy (other samples),
    float32 standard normal from `rng`."""
    os.makedirs(os.path.join(out, 'calib'), exist_ok=True)
    np.save(os.path.join(out, 'x.npy'), rng.standard_normal(shape).astype(np.float32))
    for i in range(calibration):
        np.save(os.path.join(out, 'calib', '%03d.npy' % i),
                rng.standard_normal(shape).astype(np.float32))
