#!/usr/bin/env python3
"""A small streaming model with two state variables, and a real audio stream.

    gen_stream.py MODEL.onnx --wav FILE.wav --stream X.npy [--mismatch]
                  [--lstm]

The model (opset 13) takes one chunk of audio features `x` [1, 16, 4] (16
log band energies of 4 frames of 10 ms) and two state variables:

- `conv_state_in` [1, 16, 2], the last two frames of the previous chunk: the
  chunk is concatenated after them and a causal 1-D convolution (kernel 3,
  32 channels, ReLU) gives `y` [1, 32, 4]; `conv_state_out` is the last two
  frames of the concatenation (name rule X_in -> X_out);
- `avg_state` [1, 16, 1], an exponential average of the features:
  `avg_state_out` = 0.9 avg_state + 0.1 mean(x) over the chunk's frames
  (name rule IN -> IN_out), and `norm` [1, 16, 4] = x - avg_state_out.

--mismatch makes `conv_state_out` keep three frames instead of two, so that
the pair's shapes differ (the negative test).

--lstm writes a streaming keyword-spotter-like recurrent model instead
(opset 14): the chunk `x` [1, 16, 4] transposed to 4 time steps, an LSTM
(hidden 24) whose initial hidden and cell states are the state variables
`h_in` / `c_in` [1, 1, 24] and whose last ones are `h_out` / `c_out` (name
rule X_in -> X_out), and a Gemm of the last hidden state to `y` [1, 4].

The stream is the whole clip: 16-bit PCM read with Python's `wave` module,
framed every 10 ms with a 20 ms Hann window, 16 bands of its power spectrum
summed and logged, stacked as [steps, 16, 4] (npu-run --steps stacks steps
on the first axis).
"""
import argparse
import wave

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BANDS, FRAMES, KERNEL, CHANNELS, ALPHA = 16, 4, 3, 32, 0.9


def features(path):
    with wave.open(path) as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        assert width == 2, 'expects 16-bit PCM'
        pcm = np.frombuffer(w.readframes(w.getnframes()), '<i2')
    pcm = pcm.reshape(-1, channels)[:, 0].astype(np.float64) / 32768.0
    hop = rate // 100
    win = 2 * hop
    window = np.hanning(win)
    count = (len(pcm) - win) // hop + 1
    frames = np.stack([pcm[i * hop:i * hop + win] * window for i in range(count)])
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    edges = np.linspace(1, power.shape[1], BANDS + 1).astype(int)
    bands = np.stack([power[:, edges[b]:edges[b + 1]].sum(1) for b in range(BANDS)], 1)
    logs = np.log10(bands + 1e-6)                    # [frames, bands]
    steps = count // FRAMES
    chunks = logs[:steps * FRAMES].reshape(steps, FRAMES, BANDS)
    return chunks.transpose(0, 2, 1).astype(np.float32)  # [steps, 16, 4]


def model(mismatch):
    rng = np.random.default_rng(7)
    w = (rng.standard_normal((CHANNELS, BANDS, KERNEL)) / np.sqrt(BANDS * KERNEL)).astype(np.float32)
    b = (0.1 * rng.standard_normal(CHANNELS)).astype(np.float32)
    keep = KERNEL - 1 + (1 if mismatch else 0)
    total = FRAMES + KERNEL - 1
    inits = [
        numpy_helper.from_array(w, 'w'), numpy_helper.from_array(b, 'b'),
        numpy_helper.from_array(np.array([total - keep], np.int64), 'starts'),
        numpy_helper.from_array(np.array([total], np.int64), 'ends'),
        numpy_helper.from_array(np.array([2], np.int64), 'axes'),
        numpy_helper.from_array(np.array(ALPHA, np.float32), 'alpha'),
        numpy_helper.from_array(np.array(1 - ALPHA, np.float32), 'beta'),
    ]
    nodes = [
        helper.make_node('Concat', ['conv_state_in', 'x'], ['cat'], axis=2, name='cat'),
        helper.make_node('Conv', ['cat', 'w', 'b'], ['conv'], kernel_shape=[KERNEL], name='conv'),
        helper.make_node('Relu', ['conv'], ['y'], name='relu'),
        helper.make_node('Slice', ['cat', 'starts', 'ends', 'axes'], ['conv_state_out'], name='history'),
        helper.make_node('ReduceMean', ['x'], ['mean'], axes=[2], keepdims=1, name='mean'),
        helper.make_node('Mul', ['avg_state', 'alpha'], ['decayed'], name='decay'),
        helper.make_node('Mul', ['mean', 'beta'], ['fresh'], name='fresh'),
        helper.make_node('Add', ['decayed', 'fresh'], ['avg_state_out'], name='average'),
        helper.make_node('Sub', ['x', 'avg_state_out'], ['norm'], name='normalize'),
    ]
    return finish(nodes, 'stream', inits, opset=13,
                  inputs=[('x', [1, BANDS, FRAMES]), ('conv_state_in', [1, BANDS, KERNEL - 1]),
                          ('avg_state', [1, BANDS, 1])],
                  outputs=[('y', [1, CHANNELS, FRAMES]), ('norm', [1, BANDS, FRAMES]),
                           ('conv_state_out', [1, BANDS, keep]), ('avg_state_out', [1, BANDS, 1])])


def finish(nodes, name, inits, opset, inputs, outputs):
    """The checked model of `nodes`; inputs and outputs are float32 (name,
    shape) pairs."""
    def infos(pairs):
        return [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in pairs]
    graph = helper.make_graph(nodes, name, infos(inputs), infos(outputs), inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def lstm_model():
    rng = np.random.default_rng(11)
    hidden, classes = 24, 4
    k = 1 / np.sqrt(hidden)

    def uniform(shape):
        return rng.uniform(-k, k, shape).astype(np.float32)

    inits = [
        numpy_helper.from_array(uniform([1, 4 * hidden, BANDS]), 'W'),
        numpy_helper.from_array(uniform([1, 4 * hidden, hidden]), 'R'),
        numpy_helper.from_array(uniform([1, 8 * hidden]), 'B'),
        numpy_helper.from_array(uniform([classes, hidden]), 'Wfc'),
        numpy_helper.from_array(uniform([classes]), 'Bfc'),
        numpy_helper.from_array(np.array([1, hidden], np.int64), 'flat'),
    ]
    nodes = [
        helper.make_node('Transpose', ['x'], ['seq'], perm=[2, 0, 1], name='to_time_major'),
        helper.make_node('LSTM', ['seq', 'W', 'R', 'B', '', 'h_in', 'c_in'],
                         ['', 'h_out', 'c_out'], hidden_size=hidden, name='lstm'),
        helper.make_node('Reshape', ['h_out', 'flat'], ['last'], name='flatten'),
        helper.make_node('Gemm', ['last', 'Wfc', 'Bfc'], ['y'], transB=1, name='classifier'),
    ]
    return finish(nodes, 'stream_lstm', inits, opset=14,
                  inputs=[('x', [1, BANDS, FRAMES]), ('h_in', [1, 1, hidden]),
                          ('c_in', [1, 1, hidden])],
                  outputs=[('y', [1, classes]), ('h_out', [1, 1, hidden]),
                           ('c_out', [1, 1, hidden])])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('model')
    ap.add_argument('--wav')
    ap.add_argument('--stream')
    ap.add_argument('--mismatch', action='store_true')
    ap.add_argument('--lstm', action='store_true')
    a = ap.parse_args()
    onnx.save(lstm_model() if a.lstm else model(a.mismatch), a.model)
    if a.stream:
        x = features(a.wav)
        np.save(a.stream, x)
        print(f'{a.wav}: {x.shape[0]} steps of {FRAMES} frames')


if __name__ == '__main__':
    main()
