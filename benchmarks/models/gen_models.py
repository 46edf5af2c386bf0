#!/usr/bin/env python3
"""Writes the standard architecture benchmarks as ONNX (random weights).

    gen_models.py OUT_DIR [--seed N] [--models NAME,...]

- resnet50_v1.5.onnx: ResNet-50 v1.5 (stride 2 in the 3x3 convolution of
  each downsampling bottleneck), 1x3x224x224 -> 1x1000, batch norm folded
  into the convolutions' weights and biases as exporters emit it;
- mobilenet_v2.onnx: MobileNetV2 1.0 (inverted residuals, depthwise 3x3,
  ReLU6 as Clip(0, 6)), 1x3x224x224 -> 1x1000;
- bert_encoder.onnx: a small BERT-style encoder (4 layers, hidden 256, 4
  heads, feed-forward 1024, sequence 128): MatMul, Add, Softmax,
  LayerNormalization, Gelu as x * 0.5 * (1 + Erf(x / sqrt 2)).

Random weights are fine for speed, memory and numeric agreement between
stages, not for accuracy. Uses only onnx.helper (Debian's python3-onnx).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, prefix):
        self.n += 1
        return '%s_%d' % (prefix, self.n)

    def const(self, array, prefix='w'):
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def weight(self, *shape, fan_in=None):
        fan_in = fan_in or int(np.prod(shape[1:]))
        w = self.rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
        return self.const(w.astype(np.float32))

    def op(self, op_type, inputs, prefix=None, **attrs):
        out = self.name(prefix or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, cin, cout, k, stride=1, group=1, act='relu'):
        w = self.weight(cout, cin // group, k, k)
        b = self.const((self.rng.standard_normal(cout) * 0.01).astype(np.float32), 'b')
        p = k // 2
        y = self.op('Conv', [x, w, b], 'conv', kernel_shape=[k, k], strides=[stride, stride],
                    pads=[p, p, p, p], group=group)
        if act == 'relu':
            y = self.op('Relu', [y])
        elif act == 'relu6':
            y = self.op('Clip', [y, self.const(np.array(0, np.float32), 'lo'),
                                 self.const(np.array(6, np.float32), 'hi')])
        return y

    def save(self, path, inputs, outputs, opset=13):
        graph = helper.make_graph(self.nodes, os.path.basename(path), inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)])
        onnx.checker.check_model(model)
        onnx.save(model, path)


def classifier_head(g, x, cin):
    y = g.op('GlobalAveragePool', [x])
    y = g.op('Flatten', [y])
    w = g.weight(1000, cin)
    b = g.const(np.zeros(1000, np.float32), 'b')
    return g.op('Gemm', [y, w, b], 'fc', transB=1)


def resnet50(path, seed):
    g = Graph(seed)
    x = g.conv('input', 3, 64, 7, stride=2)
    x = g.op('MaxPool', [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(blocks):
            s = stride if i == 0 else 1
            y = g.conv(x, cin, width, 1)
            y = g.conv(y, width, width, 3, stride=s)
            y = g.conv(y, width, width * 4, 1, act=None)
            if i == 0:
                x = g.conv(x, cin, width * 4, 1, stride=s, act=None)
            x = g.op('Relu', [g.op('Add', [x, y])])
            cin = width * 4
    out = classifier_head(g, x, cin)
    g.save(path, [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, 224, 224])],
           [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, 1000])])


def mobilenet_v2(path, seed):
    g = Graph(seed)
    x = g.conv('input', 3, 32, 3, stride=2, act='relu6')
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = x if t == 1 else g.conv(x, cin, hidden, 1, act='relu6')
            y = g.conv(y, hidden, hidden, 3, stride=stride, group=hidden, act='relu6')
            y = g.conv(y, hidden, c, 1, act=None)
            x = g.op('Add', [x, y]) if stride == 1 and cin == c else y
            cin = c
    x = g.conv(x, cin, 1280, 1, act='relu6')
    out = classifier_head(g, x, 1280)
    g.save(path, [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, 224, 224])],
           [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, 1000])])


def bert_encoder(path, seed, layers=4, hidden=256, heads=4, ffn=1024, seq=128):
    g = Graph(seed)
    dh = hidden // heads

    def linear(x, cin, cout):
        y = g.op('MatMul', [x, g.weight(cin, cout, fan_in=cin)])
        return g.op('Add', [y, g.const(np.zeros(cout, np.float32), 'b')])

    def layer_norm(x):
        return g.op('LayerNormalization',
                    [x, g.const(np.ones(hidden, np.float32), 'gamma'),
                     g.const(np.zeros(hidden, np.float32), 'beta')], axis=-1, epsilon=1e-12)

    split_shape = g.const(np.array([1, seq, heads, dh], np.int64), 'shape')
    merge_shape = g.const(np.array([1, seq, hidden], np.int64), 'shape')
    scale = g.const(np.array(1.0 / np.sqrt(dh), np.float32), 'scale')
    x = 'input'
    for _ in range(layers):
        def heads_of(t, perm):
            return g.op('Transpose', [g.op('Reshape', [t, split_shape])], perm=perm)
        q = heads_of(linear(x, hidden, hidden), [0, 2, 1, 3])
        k = heads_of(linear(x, hidden, hidden), [0, 2, 3, 1])
        v = heads_of(linear(x, hidden, hidden), [0, 2, 1, 3])
        att = g.op('Softmax', [g.op('Mul', [g.op('MatMul', [q, k]), scale])], axis=-1)
        ctx = g.op('Transpose', [g.op('MatMul', [att, v])], perm=[0, 2, 1, 3])
        ctx = g.op('Reshape', [ctx, merge_shape])
        x = layer_norm(g.op('Add', [x, linear(ctx, hidden, hidden)]))
        h = linear(x, hidden, ffn)
        erf = g.op('Erf', [g.op('Div', [h, g.const(np.array(np.sqrt(2.0), np.float32), 'c')])])
        h = g.op('Mul', [g.op('Mul', [h, g.const(np.array(0.5, np.float32), 'c')]),
                         g.op('Add', [erf, g.const(np.array(1.0, np.float32), 'c')])])
        x = layer_norm(g.op('Add', [x, linear(h, ffn, hidden)]))
    g.save(path, [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, seq, hidden])],
           [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, seq, hidden])], opset=17)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out_dir')
    ap.add_argument('--seed', type=int, default=0)
    writers = {'resnet50_v1.5': resnet50, 'mobilenet_v2': mobilenet_v2,
               'bert_encoder': bert_encoder}
    ap.add_argument('--models', default=','.join(writers),
                    help='comma-separated subset of %s' % ', '.join(writers))
    a = ap.parse_args()
    names = a.models.split(',')
    unknown = [n for n in names if n not in writers]
    if unknown:
        ap.error('unknown model(s) %s; known: %s' % (', '.join(unknown), ', '.join(writers)))
    os.makedirs(a.out_dir, exist_ok=True)
    for name in names:
        writers[name](os.path.join(a.out_dir, name + '.onnx'), a.seed)


if __name__ == '__main__':
    main()
