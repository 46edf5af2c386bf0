"""gen_qdq_review.py CASE DIR: QDQ models a review found wrong on the
device (DIR/m.onnx) and an input (DIR/x.npy).

big_bias: a convolution whose input scale (1e-6) is tiny against its float
bias (+-20 on two channels), beyond the int32 accumulator at the model's
own scales. Under the QDQ meaning those channels saturate at the output's
limits (+6.35 and -6.4) everywhere (their signs flipped where the products
wrapped the accumulator around).

maxpool: x -> Q/DQ -> Conv (per-channel DQ weights) -> Q/DQ (0.05) ->
MaxPool 2x2 -> Q/DQ (0.005) -> y. The pool's result must take its own
parameters, saturating at 0.635 (it kept its input's, reaching 2.45)."""
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


def main(case, out):
    if case == 'big_bias':
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
    g = h.make_graph(nodes, 'g', [h.make_tensor_value_info('x', T.FLOAT, [1, 3, 16, 16])],
                     [h.make_tensor_value_info('y', T.FLOAT, y_shape)], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)])
    m.ir_version = 8
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'm.onnx'), 'wb') as f:
        f.write(m.SerializeToString())
    np.save(os.path.join(out, 'x.npy'), x)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
