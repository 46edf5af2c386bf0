#!/usr/bin/env python3
"""Small recurrent models over mel-like features, a test input and
calibration samples (different from the test input).

    gen_recurrent.py {lstm,gru,bilstm_gru} MODEL.onnx --input X.npy --calib DIR
                     [--steps T]

lstm: LSTM (hidden 32, opset 14) over `x` [8, 1, 40] (8 frames of 40
log-mel-like features), its Y_h through a Gemm to `logits` [1, 10]; its Y is
the second output `y` [8, 1, 1, 32].
gru: bidirectional GRU (hidden 24, linear_before_reset = 1, opset 22) over
the same input, both directions' Y_h through a Gemm to `logits` [1, 10].
bilstm_gru: bidirectional LSTM (hidden 32, opset 14), its Y as [T, 1, 64]
into a GRU (hidden 32, linear_before_reset = 1), its Y_h through a Gemm to
`logits` [1, 10], as torch.onnx writes nn.LSTM then nn.GRU.
--steps: frames (default 8).

Weights are uniform in +-1/sqrt(hidden) (PyTorch's initialisation) with a
fixed seed, so the models are the same on every run.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

STEPS, FEATURES, CLASSES = 8, 40, 10


def features(rng, steps=STEPS):
    """Log-mel-like frames: smooth over time and frequency, about [-4, 2]."""
    raw = rng.standard_normal((steps + 2, FEATURES + 4))
    smooth = (raw[:-2] + raw[1:-1] + raw[2:]) / 3
    smooth = sum(smooth[:, i:i + FEATURES] for i in range(5)) / 5
    tilt = -np.linspace(0, 2, FEATURES)
    return (1.5 * smooth + tilt - 1).astype(np.float32)[:, None, :]


def uniform(rng, shape, bound):
    return rng.uniform(-bound, bound, shape).astype(np.float32)


def build_bilstm_gru(steps):
    rng = np.random.default_rng(2026)
    h = 32
    k = 1 / np.sqrt(h)
    inits = [
        numpy_helper.from_array(uniform(rng, [2, 4 * h, FEATURES], k), 'W'),
        numpy_helper.from_array(uniform(rng, [2, 4 * h, h], k), 'R'),
        numpy_helper.from_array(uniform(rng, [2, 8 * h], k), 'B'),
        numpy_helper.from_array(uniform(rng, [1, 3 * h, 2 * h], k), 'W2'),
        numpy_helper.from_array(uniform(rng, [1, 3 * h, h], k), 'R2'),
        numpy_helper.from_array(uniform(rng, [1, 6 * h], k), 'B2'),
        numpy_helper.from_array(uniform(rng, [CLASSES, h], k), 'Wfc'),
        numpy_helper.from_array(uniform(rng, [CLASSES], k), 'Bfc'),
        numpy_helper.from_array(np.array([steps, 1, 2 * h], np.int64), 'seq'),
        numpy_helper.from_array(np.array([1, h], np.int64), 'flat'),
    ]
    nodes = [
        helper.make_node('LSTM', ['x', 'W', 'R', 'B'], ['y'], name='lstm',
                         hidden_size=h, direction='bidirectional'),
        helper.make_node('Transpose', ['y'], ['yt'], name='lstm_t',
                         perm=[0, 2, 1, 3]),
        helper.make_node('Reshape', ['yt', 'seq'], ['ys'], name='lstm_seq'),
        helper.make_node('GRU', ['ys', 'W2', 'R2', 'B2'], ['', 'yh'],
                         name='gru', hidden_size=h, linear_before_reset=1),
        helper.make_node('Reshape', ['yh', 'flat'], ['state'],
                         name='flatten'),
        helper.make_node('Gemm', ['state', 'Wfc', 'Bfc'], ['logits'],
                         name='fc', transB=1)]
    graph = helper.make_graph(
        nodes, 'bilstm_gru',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT,
                                       [steps, 1, FEATURES])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT,
                                       [1, CLASSES])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 14)],
                              producer_name='gen_recurrent')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build(kind, steps=STEPS):
    if kind == 'bilstm_gru':
        return build_bilstm_gru(steps)
    rng = np.random.default_rng(2024 if kind == 'lstm' else 2025)
    if kind == 'lstm':
        h, dirs, gates = 32, 1, 4
    else:
        h, dirs, gates = 24, 2, 3
    k = 1 / np.sqrt(h)
    inits = [
        numpy_helper.from_array(uniform(rng, [dirs, gates * h, FEATURES], k), 'W'),
        numpy_helper.from_array(uniform(rng, [dirs, gates * h, h], k), 'R'),
        numpy_helper.from_array(uniform(rng, [dirs, 2 * gates * h], k), 'B'),
        numpy_helper.from_array(uniform(rng, [CLASSES, dirs * h], k), 'Wfc'),
        numpy_helper.from_array(uniform(rng, [CLASSES], k), 'Bfc'),
        numpy_helper.from_array(np.array([1, dirs * h], np.int64), 'flat'),
    ]
    outputs = [helper.make_tensor_value_info('logits', TensorProto.FLOAT,
                                             [1, CLASSES])]
    if kind == 'lstm':
        rnn = helper.make_node('LSTM', ['x', 'W', 'R', 'B'], ['y', 'yh'],
                               name='lstm', hidden_size=h)
        outputs.append(helper.make_tensor_value_info(
            'y', TensorProto.FLOAT, [STEPS, 1, 1, h]))
        opset = 14
    else:
        rnn = helper.make_node('GRU', ['x', 'W', 'R', 'B'], ['', 'yh'],
                               name='gru', hidden_size=h,
                               direction='bidirectional',
                               linear_before_reset=1)
        opset = 22
    nodes = [rnn,
             helper.make_node('Reshape', ['yh', 'flat'], ['state'],
                              name='flatten'),
             helper.make_node('Gemm', ['state', 'Wfc', 'Bfc'], ['logits'],
                              name='fc', transB=1)]
    graph = helper.make_graph(
        nodes, kind,
        [helper.make_tensor_value_info('x', TensorProto.FLOAT,
                                       [STEPS, 1, FEATURES])],
        outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)],
                              producer_name='gen_recurrent')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('kind', choices=['lstm', 'gru', 'bilstm_gru'])
    ap.add_argument('model')
    ap.add_argument('--input', required=True)
    ap.add_argument('--calib', required=True)
    ap.add_argument('--steps', type=int, default=STEPS)
    a = ap.parse_args()
    if a.steps != STEPS and a.kind != 'bilstm_gru':
        ap.error('--steps is for bilstm_gru')
    onnx.save(build(a.kind, a.steps), a.model)
    rng = np.random.default_rng(7)
    np.save(a.input, features(rng, a.steps))
    os.makedirs(a.calib, exist_ok=True)
    for i in range(8):
        np.save(os.path.join(a.calib, 'sample%d.npy' % i), features(rng, a.steps))


if __name__ == '__main__':
    main()
