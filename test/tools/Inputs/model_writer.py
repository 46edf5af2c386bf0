"""Shared by the test model generators (gen_attention.py, gen_vit_block.py,
gen_index_casts.py, gen_flips_upsampling.py): initializers, the saved model,
and the input and calibration samples."""
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper


class Initializers(list):
    """The graph's initializers; const() adds one and returns its name."""

    def const(self, name, value):
        self.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def normal(self, rng, name, shape, scale):
        """Adds float32 weights drawn from N(0, scale^2) and returns their name."""
        return self.const(name, (rng.standard_normal(shape) * scale).astype(np.float32))


class Nodes(list):
    """The graph's nodes; add() appends one of one output named as the node
    and returns that name."""

    def add(self, op, inputs, name, **attrs):
        self.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(self, inits, rng, x, name, width):
        """x @ W + b as MatMul `name`_mm then Add `name`, W [width, width]
        ~ N(0, 1 / width), b ~ N(0, 0.01); returns the sum's name."""
        w = (rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32)
        b = (0.1 * rng.standard_normal(width)).astype(np.float32)
        return self.add('Add', [self.add('MatMul', [x, inits.const(name + '_w', w)],
                                         name + '_mm'),
                                inits.const(name + '_b', b)], name)


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


def save_layer(out, name, nodes, inits, rng, shape):
    """A graph of `nodes` from input 'x' to output 'y', both float32 of
    `shape`, as OUT/attn.onnx, with its samples (save_samples)."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info('x', onnx.TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info('y', onnx.TensorProto.FLOAT, shape)], inits)
    save_model(graph, os.path.join(out, 'attn.onnx'))
    save_samples(out, rng, shape)


def f32(name, value):
    """A float32 initializer."""
    return numpy_helper.from_array(np.asarray(value, np.float32), name)


def i64(name, values):
    """An int64 initializer."""
    return numpy_helper.from_array(np.array(values, np.int64), name)


def save_input_samples(out, sample, names, calibration=4):
    """For a model of several inputs: OUT/NAME.npy (the test input) and
    OUT/calib/NAME/N.npy (calibration samples), one array per name from each
    call of sample()."""
    for name, value in zip(names, sample()):
        np.save(os.path.join(out, name + '.npy'), value)
    for i in range(calibration):
        for name, value in zip(names, sample()):
            os.makedirs(os.path.join(out, 'calib', name), exist_ok=True)
            np.save(os.path.join(out, 'calib', name, '%d.npy' % i), value)
