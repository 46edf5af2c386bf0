"""gen_qdq_review.py CASE DIR: QDQ models a review found wrong on the
device (DIR/m.onnx) and an input (DIR/x.npy).

big_bias: a convolution whose input scale (1e-6) is tiny against its float
bias (+-20 on two channels), beyond the int32 accumulator at the model's
own scales. Under the QDQ meaning those channels saturate at the output's
limits (+6.35 and -6.4) everywhere (their signs flipped where the products
wrapped the accumulator around).

maxpool: x -> Q/DQ -> Conv (per-channel DQ weights) -> Q/DQ (0.05) ->
MaxPool 2x2 -> Q/DQ (0.005) -> y. The pool's result must take its own
parameters, saturating at 0.635 (it kept its input's, reaching 2.45).

convt_per_tensor, convt_per_channel: x -> Q/DQ (0.02) -> ConvTranspose 8
-> 16, 2x2 stride 2 (int8 DQ weights per tensor, or per channel along
axis 1, its output channels) -> Q/DQ (0.05) -> y; also DIR/ref.npy, the
QDQ meaning computed here (float64 sums, round half to even as
QuantizeLinear). The device must use the model's int8 weights (it
requantized them from the float ones: 149 / 93 of the 4096 outputs one
step off).

concat: a -> Q/DQ (0.02), b -> Q/DQ (0.05), Concat -> Q/DQ (0.05) -> Conv
1x1 16 -> 8 (per-channel DQ weights) -> Q/DQ (0.05) -> y; DIR/a.npy,
DIR/b.npy and DIR/ref.npy (a rounds to 0.02, then to 0.05, as ONNX Runtime
does; the device rounded a to 0.05 once: 63 of 512 outputs one step off)."""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def qdq(t, scale, zero):
    """Q/DQ of tensor t with initializers s<t>, z<t>: (inits, nodes)."""
    return ([nh.from_array(np.float32(scale), 's' + t), nh.from_array(np.int8(zero), 'z' + t)],
            [h.make_node('QuantizeLinear', [t, 's' + t, 'z' + t], [t + 'q'], name='q' + t),
             h.make_node('DequantizeLinear', [t + 'q', 's' + t, 'z' + t], [t + 'd'], name='dq' + t)])


def conv_model(rng, w_scale_axis, bias, x_scale, c_scale, tail):
    """x -> Q/DQ(x_scale) -> Conv 3 -> 8 (int8 DQ weights, per channel when
    w_scale_axis, else per tensor; float bias or none) -> Q/DQ(c_scale) ->
    `tail` (nodes from 'cd' to 'y', with their initializers)."""
    w = rng.normal(0, .3, (8, 3, 3, 3)).astype(np.float32)
    if w_scale_axis:
        ws = (np.abs(w).reshape(8, -1).max(1) / 127).astype(np.float32)
        wq = np.round(w / ws[:, None, None, None]).astype(np.int8)
        wz = np.zeros(8, np.int8)
    else:
        ws = np.float32(np.abs(w).max() / 127)
        wq, wz = np.round(w / ws).astype(np.int8), np.int8(0)
    inits = [nh.from_array(wq, 'wq'), nh.from_array(ws, 'ws'), nh.from_array(wz, 'wz')]
    xi, xn = qdq('x', x_scale, 0)
    ci, cn = qdq('c', c_scale, 0)
    conv_in = ['xd', 'wd'] + (['b'] if bias is not None else [])
    if bias is not None:
        inits.append(nh.from_array(bias, 'b'))
    dqw = h.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd'], name='dqw',
                      **({'axis': 0} if w_scale_axis else {}))
    nodes = xn + [dqw, h.make_node('Conv', conv_in, ['c'], name='conv', pads=[1, 1, 1, 1])] + cn
    tail_inits, tail_nodes, y_shape = tail
    return inits + xi + ci + tail_inits, nodes + tail_nodes, y_shape


def conv_transpose_model(per_channel):
    """(inits, nodes, y shape, x, the QDQ reference of y)."""
    rng = np.random.default_rng(5)
    w = rng.normal(0, .2, (8, 16, 2, 2)).astype(np.float32)
    if per_channel:
        ws = (np.abs(w).max(axis=(0, 2, 3)) / 127).astype(np.float32)
        wq = np.round(w / ws[None, :, None, None]).astype(np.int8)
        wz, wd = np.zeros(16, np.int8), wq * ws[None, :, None, None].astype(np.float64)
    else:
        ws = np.float32(np.abs(w).max() / 127)
        wq, wz = np.round(w / ws).astype(np.int8), np.int8(0)
        wd = wq * np.float64(ws)
    xi, xn = qdq('x', 0.02, 0)
    ci, cn = qdq('c', 0.05, 0)
    dqw = h.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd'], name='dqw',
                      **({'axis': 1} if per_channel else {}))
    nodes = xn + [dqw, h.make_node('ConvTranspose', ['xd', 'wd'], ['c'], name='convt',
                                   strides=[2, 2])] + cn + [h.make_node('Identity', ['cd'], ['y'])]
    inits = [nh.from_array(wq, 'wq'), nh.from_array(ws, 'ws'), nh.from_array(wz, 'wz')] + xi + ci
    x = np.random.default_rng(6).uniform(-2, 2, (1, 8, 8, 8)).astype(np.float32)
    xd = np.clip(np.round(x / np.float32(0.02)), -128, 127) * np.float64(np.float32(0.02))
    # Kernel = stride: output (2y + a, 2x + b) is one tap of one input pixel.
    c = np.einsum('ncyx,cmab->nmyaxb', xd, wd).reshape(1, 16, 16, 16)
    ref = (np.clip(np.round(c / np.float32(0.05)), -128, 127) * np.float32(0.05)).astype(np.float32)
    return inits, nodes, [1, 16, 16, 16], x, ref


def q(v, scale):
    """The QDQ meaning of int8 zero point 0: round half to even, saturate."""
    return np.clip(np.round(v / np.float32(scale)), -128, 127) * np.float64(np.float32(scale))


def concat_model():
    rng = np.random.default_rng(7)
    w = rng.normal(0, .2, (8, 16, 1, 1)).astype(np.float32)
    ws = (np.abs(w).reshape(8, -1).max(1) / 127).astype(np.float32)
    wq = np.round(w / ws[:, None, None, None]).astype(np.int8)
    ai, an = qdq('a', 0.02, 0)
    bi, bn = qdq('b', 0.05, 0)
    ci, cn = qdq('cat', 0.05, 0)
    yi, yn = qdq('c', 0.05, 0)
    dqw = h.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd'], name='dqw', axis=0)
    nodes = an + bn + [h.make_node('Concat', ['ad', 'bd'], ['cat'], name='concat', axis=1)] + cn + \
        [dqw, h.make_node('Conv', ['catd', 'wd'], ['c'], name='conv')] + yn + \
        [h.make_node('Identity', ['cd'], ['y'])]
    inits = [nh.from_array(wq, 'wq'), nh.from_array(ws, 'ws'),
             nh.from_array(np.zeros(8, np.int8), 'wz')] + ai + bi + ci + yi
    a = rng.uniform(-2, 2, (1, 8, 8, 8)).astype(np.float32)
    b = rng.uniform(-2, 2, (1, 8, 8, 8)).astype(np.float32)
    cat = q(np.concatenate([q(a, 0.02), q(b, 0.05)], axis=1), 0.05)
    wd = wq[:, :, 0, 0] * ws[:, None].astype(np.float64)
    ref = q(np.einsum('kc,nchw->nkhw', wd, cat), 0.05).astype(np.float32)
    return inits, nodes, {'a': a, 'b': b}, ref


def main(case, out):
    ref = None
    if case == 'concat':
        inits, nodes, inputs, ref = concat_model()
        g = h.make_graph(nodes, 'g', [h.make_tensor_value_info(k, T.FLOAT, list(v.shape))
                                      for k, v in inputs.items()],
                         [h.make_tensor_value_info('y', T.FLOAT, [1, 8, 8, 8])], inits)
        m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])
        m.ir_version = 8
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, 'm.onnx'), 'wb') as f:
            f.write(m.SerializeToString())
        for k, v in inputs.items():
            np.save(os.path.join(out, k + '.npy'), v)
        np.save(os.path.join(out, 'ref.npy'), ref)
        return
    if case.startswith('convt_'):
        inits, nodes, y_shape, x, ref = conv_transpose_model(case == 'convt_per_channel')
    elif case == 'big_bias':
        rng = np.random.default_rng(13)
        bias = np.array([20, -20, 2, -2, 1, 0, 0.5, -0.5], np.float32)
        inits, nodes, y_shape = conv_model(
            rng, False, bias, 1e-6, 0.05,
            ([], [h.make_node('Identity', ['cd'], ['y'])], [1, 8, 16, 16]))
        x = rng.normal(0, 1e-4, (1, 3, 16, 16)).astype(np.float32)
    else:
        rng = np.random.default_rng(0)
        pi, pn = qdq('p', 0.005, 0)
        inits, nodes, y_shape = conv_model(
            rng, True, None, 0.01, 0.05,
            (pi, [h.make_node('MaxPool', ['cd'], ['p'], kernel_shape=[2, 2], strides=[2, 2])]
             + pn + [h.make_node('Identity', ['pd'], ['y'])], [1, 8, 8, 8]))
        x = np.random.default_rng(1).uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32)
    g = h.make_graph(nodes, 'g', [h.make_tensor_value_info('x', T.FLOAT, list(x.shape))],
                     [h.make_tensor_value_info('y', T.FLOAT, y_shape)], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])
    m.ir_version = 8
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'm.onnx'), 'wb') as f:
        f.write(m.SerializeToString())
    np.save(os.path.join(out, 'x.npy'), x)
    if ref is not None:
        np.save(os.path.join(out, 'ref.npy'), ref)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
