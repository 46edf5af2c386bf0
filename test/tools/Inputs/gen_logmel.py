#!/usr/bin/env python3
"""A log-mel spectrogram model as audio front ends export it, and a test input.

    gen_logmel.py MODEL.onnx --input X.npy

The model (opset 13) takes `pcm` [1, 1760] (16 kHz int16-range samples as
float), frames it with two convolutions (Hann-windowed cosine and sine of a
256-point DFT, hop 128: 12 frames of 129 bins), squares and sums them (the
power spectrum, up to about 10^12), applies a 32-band triangular filter bank,
clips at 1e-10 and takes 10 log10: `logmel` [1, 12, 32] in dB. The input is
broadband, as speech and room noise are: a loud part (white noise of
standard deviation 6000, whose DFT bins reach about 10^5, beyond fp16) and a
quiet one (noise 60 dB below), so that both fp16's overflow and its
underflow would show. (Pure tones would not do: fp16's own rounding of the
input and the weights puts a floor 66 dB under a tone, which a tone's
windowed spectrum goes far below.)
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N_FFT, HOP, SAMPLES, BANDS = 256, 128, 1760, 32


def mel_filters():
    bins = N_FFT // 2 + 1
    edges = np.linspace(0, bins - 1, BANDS + 2)
    fb = np.zeros((bins, BANDS), np.float32)
    for b in range(BANDS):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        for k in range(bins):
            if lo <= k <= mid and mid > lo:
                fb[k, b] = (k - lo) / (mid - lo)
            elif mid < k <= hi and hi > mid:
                fb[k, b] = (hi - k) / (hi - mid)
    return fb


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('model')
    ap.add_argument('--input', required=True)
    a = ap.parse_args()

    n = np.arange(N_FFT)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)
    k = np.arange(N_FFT // 2 + 1)[:, None]
    real = (window * np.cos(2 * np.pi * k * n / N_FFT)).astype(np.float32)[:, None, :]
    imag = (-window * np.sin(2 * np.pi * k * n / N_FFT)).astype(np.float32)[:, None, :]
    inits = [
        numpy_helper.from_array(np.array([1, 1, SAMPLES], np.int64), 'shape3'),
        numpy_helper.from_array(real, 'dft_real'),
        numpy_helper.from_array(imag, 'dft_imag'),
        numpy_helper.from_array(np.array(2.0, np.float32), 'two'),
        numpy_helper.from_array(mel_filters(), 'mel'),
        numpy_helper.from_array(np.array(10.0 / np.log(10.0), np.float32), 'db'),
    ]
    conv = dict(kernel_shape=[N_FFT], strides=[HOP])
    nodes = [
        helper.make_node('Reshape', ['pcm', 'shape3'], ['framed_in'], name='reshape'),
        helper.make_node('Conv', ['framed_in', 'dft_real'], ['re'], name='stft_real', **conv),
        helper.make_node('Conv', ['framed_in', 'dft_imag'], ['im'], name='stft_imag', **conv),
        helper.make_node('Pow', ['re', 'two'], ['re2'], name='re_squared'),
        helper.make_node('Pow', ['im', 'two'], ['im2'], name='im_squared'),
        helper.make_node('Add', ['re2', 'im2'], ['power'], name='power'),
        helper.make_node('Transpose', ['power'], ['power_t'], name='frames_first', perm=[0, 2, 1]),
        helper.make_node('MatMul', ['power_t', 'mel'], ['mel_power'], name='mel_bank'),
        helper.make_node('Clip', ['mel_power', 'floor'], ['clipped'], name='floor'),
        helper.make_node('Log', ['clipped'], ['ln'], name='log'),
        helper.make_node('Mul', ['ln', 'db'], ['logmel'], name='to_db'),
    ]
    inits.append(numpy_helper.from_array(np.array(1e-10, np.float32), 'floor'))
    frames = (SAMPLES - N_FFT) // HOP + 1
    graph = helper.make_graph(
        nodes, 'logmel',
        [helper.make_tensor_value_info('pcm', TensorProto.FLOAT, [1, SAMPLES])],
        [helper.make_tensor_value_info('logmel', TensorProto.FLOAT, [1, frames, BANDS])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)],
                              producer_name='gen_logmel')
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, a.model)

    rng = np.random.default_rng(7)
    loud = np.clip(6000 * rng.standard_normal(SAMPLES), -32768, 32767)
    quiet = 6 * rng.standard_normal(SAMPLES)
    x = np.where(np.arange(SAMPLES) < SAMPLES // 2, loud, quiet)
    np.save(a.input, np.round(x).astype(np.float32)[None, :])


if __name__ == '__main__':
    main()
