#!/usr/bin/python3
"""Converts a CNN-style ONNX model to npu-dialect MLIR for the interpreter
benchmark, so that layers and whole models (ppocrv4_det) can be timed
before and independently of the real ONNX importer. Covers only the ops
those models use (Conv, ConvTranspose, BatchNormalization, Add, Sub, Mul,
Div, Clip, Relu, Sigmoid, HardSigmoid, HardSwish, GlobalAveragePool,
Resize, Concat, Constant) with static shapes; anything else is an error.

usage: onnx_to_npu.py MODEL.onnx OUT.mlir --input-shape 1,3,640,640
Run with /usr/bin/python3 (needs onnx and numpy)."""
import argparse
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

ELEM = {onnx.TensorProto.FLOAT: ('f32', '<f4'),
        onnx.TensorProto.INT64: ('i64', '<i8'),
        onnx.TensorProto.INT32: ('i32', '<i4')}


def tensor_type(shape, elem='f32'):
    return 'tensor<' + ''.join('%dx' % d for d in shape) + elem + '>'


def dense(arr):
    kind = {np.dtype('float32'): '<f4', np.dtype('int64'): '<i8',
            np.dtype('int32'): '<i4'}[arr.dtype]
    data = arr.astype(kind).tobytes().hex().upper()
    return 'dense<"0x%s">' % data


class Converter:
    def __init__(self, model, input_shape):
        self.model = model
        self.lines = []
        self.values = {}   # onnx name -> (ssa, shape)
        self.consts = {}   # onnx name -> numpy array
        self.counter = 0
        graph = model.graph
        for init in graph.initializer:
            self.consts[init.name] = numpy_helper.to_array(init)
        # Fix the input shape and infer every other one.
        inp = graph.input[0]
        for i, d in enumerate(input_shape):
            dim = inp.type.tensor_type.shape.dim[i]
            dim.Clear()
            dim.dim_value = d
        inferred = shape_inference.infer_shapes(model)
        self.shapes = {}
        for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + \
                list(inferred.graph.input):
            self.shapes[vi.name] = [d.dim_value for d in
                                    vi.type.tensor_type.shape.dim]
        self.input_name = inp.name
        self.input_shape = list(input_shape)

    def fresh(self):
        self.counter += 1
        return '%%v%d' % self.counter

    def operand(self, name):
        """SSA name of a value, materialising constants on first use."""
        if name in self.values:
            return self.values[name][0]
        arr = self.consts[name]
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        ssa = self.fresh()
        elem = {np.dtype('float32'): 'f32', np.dtype('int64'): 'i64',
                np.dtype('int32'): 'i32'}[arr.dtype]
        t = tensor_type(arr.shape, elem)
        self.lines.append('  %s = npu.constant %s : %s' % (ssa, dense(arr), t))
        self.values[name] = (ssa, list(arr.shape))
        return ssa

    def shape_of(self, name):
        if name in self.values:
            return self.values[name][1]
        if name in self.consts:
            return list(self.consts[name].shape)
        return self.shapes[name]

    def ty(self, name):
        return tensor_type(self.shape_of(name))

    def emit(self, node, text_fn):
        out = node.output[0]
        ssa = self.fresh()
        shape = self.shapes[out]
        self.lines.append('  %s = %s' % (ssa, text_fn(tensor_type(shape))))
        self.values[out] = (ssa, shape)

    def convert(self):
        g = self.model.graph
        self.values[self.input_name] = ('%x', self.input_shape)
        for node in g.node:
            self.convert_node(node)
        outs = [self.values[o.name] for o in g.output]
        res_types = ', '.join(tensor_type(s) for _, s in outs)
        body = '\n'.join(self.lines)
        return ('func.func @main(%%x: %s) -> (%s) {\n%s\n  return %s : %s\n}\n'
                % (tensor_type(self.input_shape), res_types, body,
                   ', '.join(s for s, _ in outs), res_types))

    def convert_node(self, n):
        a = {x.name: helper.get_attribute_value(x) for x in n.attribute}
        op = n.op_type
        ins = list(n.input)
        if op == 'Constant':
            self.consts[n.output[0]] = numpy_helper.to_array(a['value'])
            return
        if op in ('Conv', 'ConvTranspose'):
            w = self.shape_of(ins[1])
            nsp = len(w) - 2
            pads = a.get('pads', [0] * 2 * nsp)
            attrs = ('strides = array<i64: %s>, dilations = array<i64: %s>, '
                     'pads = array<i64: %s>, group = %d : i64' % (
                         ', '.join(map(str, a.get('strides', [1] * nsp))),
                         ', '.join(map(str, a.get('dilations', [1] * nsp))),
                         ', '.join(map(str, pads)), a.get('group', 1)))
            if a.get('auto_pad', b'NOTSET') not in (b'NOTSET', 'NOTSET'):
                sys.exit('auto_pad is not supported by this converter')
            if op == 'ConvTranspose':
                attrs += ', output_padding = array<i64: %s>' % ', '.join(
                    map(str, a.get('output_padding', [0] * nsp)))
            operands = [self.operand(i) for i in ins if i]
            types = [self.ty(i) for i in ins if i]
            mnemonic = 'conv' if op == 'Conv' else 'conv_transpose'
            self.emit(n, lambda t: 'npu.%s %s {%s} : (%s) -> %s' % (
                mnemonic, ', '.join(operands), attrs, ', '.join(types), t))
        elif op == 'BatchNormalization':
            operands = [self.operand(i) for i in ins]
            types = [self.ty(i) for i in ins]
            self.emit(n, lambda t: 'npu.batch_norm %s {epsilon = %r : f32} : '
                      '(%s) -> %s' % (', '.join(operands),
                                      float(a.get('epsilon', 1e-5)),
                                      ', '.join(types), t))
        elif op in ('Add', 'Sub', 'Mul', 'Div'):
            x, y = self.operand(ins[0]), self.operand(ins[1])
            tx, tyy = self.ty(ins[0]), self.ty(ins[1])
            self.emit(n, lambda t: 'npu.%s %s, %s : (%s, %s) -> %s' % (
                op.lower(), x, y, tx, tyy, t))
        elif op == 'Clip':
            lo = a.get('min')
            hi = a.get('max')
            if len(ins) > 1 and ins[1]:
                lo = float(self.consts[ins[1]])
            if len(ins) > 2 and ins[2]:
                hi = float(self.consts[ins[2]])
            attrs = []
            if lo is not None:
                attrs.append('min = %r : f64' % float(lo))
            if hi is not None:
                attrs.append('max = %r : f64' % float(hi))
            x = self.operand(ins[0])
            self.emit(n, lambda t: 'npu.clip %s {%s} : %s' % (
                x, ', '.join(attrs), t))
        elif op in ('Relu', 'Sigmoid', 'HardSwish'):
            x = self.operand(ins[0])
            name = {'Relu': 'relu', 'Sigmoid': 'sigmoid',
                    'HardSwish': 'hard_swish'}[op]
            self.emit(n, lambda t: 'npu.%s %s : %s' % (name, x, t))
        elif op == 'HardSigmoid':
            x = self.operand(ins[0])
            self.emit(n, lambda t: 'npu.hard_sigmoid %s {alpha = %r : f32, '
                      'beta = %r : f32} : %s' % (x, float(a.get('alpha', 0.2)),
                                                 float(a.get('beta', 0.5)), t))
        elif op == 'GlobalAveragePool':
            x = self.operand(ins[0])
            tx = self.ty(ins[0])
            self.emit(n, lambda t: 'npu.global_avg_pool %s : (%s) -> %s' % (
                x, tx, t))
        elif op == 'Concat':
            operands = [self.operand(i) for i in ins]
            types = [self.ty(i) for i in ins]
            self.emit(n, lambda t: 'npu.concat %s {axis = %d : i64} : (%s) -> %s'
                      % (', '.join(operands), a['axis'], ', '.join(types), t))
        elif op == 'Resize':
            x = self.operand(ins[0])
            tx = self.ty(ins[0])
            in_shape = self.shape_of(ins[0])
            out_shape = self.shapes[n.output[0]]
            if len(ins) > 2 and ins[2] and self.consts[ins[2]].size:
                scales = [float(s) for s in self.consts[ins[2]]]
            else:
                scales = [o / i for o, i in zip(out_shape, in_shape)]
            dec = lambda v: v.decode() if isinstance(v, bytes) else v
            attrs = ('mode = #npu.resize_mode<%s>, coordinate_transformation_mode'
                     ' = #npu.coord_mode<%s>, nearest_mode = #npu.nearest_mode<'
                     '%s>, scales = array<f32: %s>' % (
                         dec(a.get('mode', 'nearest')),
                         dec(a.get('coordinate_transformation_mode',
                                   'half_pixel')),
                         dec(a.get('nearest_mode', 'round_prefer_floor')),
                         ', '.join(repr(s) for s in scales)))
            self.emit(n, lambda t: 'npu.resize %s {%s} : %s to %s' % (
                x, attrs, tx, t))
        else:
            sys.exit('onnx_to_npu.py: unsupported op %s (%s)' % (op, n.name))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('model')
    p.add_argument('out')
    p.add_argument('--input-shape', required=True)
    args = p.parse_args()
    shape = [int(d) for d in args.input_shape.split(',')]
    model = onnx.load(args.model)
    text = Converter(model, shape).convert()
    with open(args.out, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
