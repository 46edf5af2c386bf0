"""GPT-2's feed-forward block with the tanh approximation of GELU, written
two ways: `gelu20.onnx` with ONNX Gelu(approximate="tanh") (opset 20, as
PyTorch exports nn.GELU(approximate='tanh')) and `gelu_new.onnx` with the
formula spelled out as exporters write it before opset 20,
0.5 * x * (1 + Tanh(sqrt(2 / pi) * (x + 0.044715 * Pow(x, 3)))) (GPT-2's
`gelu_new`). Writes OUT_DIR/{gelu20,gelu_new}.onnx, OUT_DIR/x.npy (the test
input) and OUT_DIR/calib/NNN.npy (4 other samples).
Usage: gen_gelu_tanh.py OUT_DIR"""
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

from model_writer import Initializers, save_model, save_samples

SEQ, HIDDEN, INNER = 32, 64, 256

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def model(spelled_out):
    rng = np.random.default_rng(1)
    inits = Initializers()
    w1 = inits.normal(rng, 'w1', (HIDDEN, INNER), 1 / math.sqrt(HIDDEN))
    w2 = inits.normal(rng, 'w2', (INNER, HIDDEN), 1 / math.sqrt(INNER))
    nodes = [helper.make_node('MatMul', ['x', w1], ['h'], name='fc1')]
    if spelled_out:
        c = inits.const
        c('three', np.array(3.0, np.float32))
        c('k', np.array(0.044715, np.float32))
        c('s', np.array(math.sqrt(2 / math.pi), np.float32))
        c('one', np.array(1.0, np.float32))
        c('half', np.array(0.5, np.float32))
        nodes += [
            helper.make_node('Pow', ['h', 'three'], ['h3'], name='cube'),
            helper.make_node('Mul', ['k', 'h3'], ['kh3'], name='kcube'),
            helper.make_node('Add', ['h', 'kh3'], ['inner'], name='inner'),
            helper.make_node('Mul', ['s', 'inner'], ['arg'], name='arg'),
            helper.make_node('Tanh', ['arg'], ['t'], name='tanh'),
            helper.make_node('Add', ['one', 't'], ['gate'], name='gate'),
            helper.make_node('Mul', ['half', 'h'], ['hh'], name='half_x'),
            helper.make_node('Mul', ['hh', 'gate'], ['g'], name='gelu'),
        ]
    else:
        nodes.append(helper.make_node('Gelu', ['h'], ['g'], name='gelu',
                                      approximate='tanh'))
    nodes.append(helper.make_node('MatMul', ['g', w2], ['y'], name='fc2'))
    graph = helper.make_graph(
        nodes, 'gelu_tanh',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, SEQ, HIDDEN])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, SEQ, HIDDEN])], inits)
    if spelled_out:
        save_model(graph, os.path.join(out, 'gelu_new.onnx'))
        return
    # Debian's onnx package predates opset 20: its checker does not know
    # Gelu, so the model is written unchecked.
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 20)])
    m.ir_version = 9
    onnx.save(m, os.path.join(out, 'gelu20.onnx'))


model(False)
model(True)
save_samples(out, np.random.default_rng(0), (1, SEQ, HIDDEN))
