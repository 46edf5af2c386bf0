// RUN: npu-opt %s -split-input-file -npu-decompose-recurrent | FileCheck %s
// test/tools/recurrent.test checks the unrolled ops' values against the
// npu.lstm / npu.gru / npu.rnn reference and on the device.

// LSTM forward with constant weights: one input projection of both steps
// (a gemm with Wb + Rb as its bias), then per step the state product, the
// gate slices (i, o, f, c), the peepholes on the cell state and the cell.
// CHECK-LABEL: func.func @lstm_forward
// CHECK: %[[BIAS:.*]] = npu.add %{{.*}}, %{{.*}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[X:.*]] = npu.reshape %arg0 : tensor<2x1x3xf32> to tensor<2x3xf32>
// CHECK: %[[W:.*]] = npu.reshape %{{.*}} : tensor<1x8x3xf32> to tensor<8x3xf32>
// CHECK: %[[XW:.*]] = npu.gemm %[[X]], %[[W]], %[[BIAS]] {trans_b = true} : (tensor<2x3xf32>, tensor<8x3xf32>, tensor<8xf32>) -> tensor<2x8xf32>
// CHECK: %[[R:.*]] = npu.reshape %{{.*}} : tensor<1x8x2xf32> to tensor<8x2xf32>
// CHECK: %[[H0:.*]] = npu.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK: %[[C0:.*]] = npu.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK: %[[G0:.*]] = npu.slice %[[XW]] {starts = array<i64: 0, 0>, {{.*}}} : tensor<2x8xf32> to tensor<1x8xf32>
// CHECK: %[[S0:.*]] = npu.gemm %[[H0]], %[[R]] {trans_b = true} : (tensor<1x2xf32>, tensor<8x2xf32>) -> tensor<1x8xf32>
// CHECK: %[[P0:.*]] = npu.add %[[G0]], %[[S0]]
// CHECK: %[[GI:.*]] = npu.slice %[[P0]] {starts = array<i64: 0, 0>
// CHECK: %[[GO:.*]] = npu.slice %[[P0]] {starts = array<i64: 0, 2>
// CHECK: %[[GF:.*]] = npu.slice %[[P0]] {starts = array<i64: 0, 4>
// CHECK: npu.mul %{{.*}}, %[[C0]]
// CHECK: %[[I:.*]] = npu.sigmoid
// CHECK: %[[F:.*]] = npu.sigmoid
// CHECK: %[[GC:.*]] = npu.slice %[[P0]] {starts = array<i64: 0, 6>
// CHECK: %[[CT:.*]] = npu.tanh %[[GC]]
// CHECK: %[[FC:.*]] = npu.mul %[[F]], %[[C0]]
// CHECK: %[[IC:.*]] = npu.mul %[[I]], %[[CT]]
// CHECK: %[[C1:.*]] = npu.add %[[FC]], %[[IC]]
// CHECK: %[[PO:.*]] = npu.mul %{{.*}}, %[[C1]]
// CHECK: %[[OP:.*]] = npu.add %[[GO]], %[[PO]]
// CHECK: %[[O:.*]] = npu.sigmoid %[[OP]]
// CHECK: %[[HC:.*]] = npu.tanh %[[C1]]
// CHECK: %[[H1:.*]] = npu.mul %[[O]], %[[HC]]
// CHECK: npu.slice %[[XW]] {starts = array<i64: 1, 0>
// CHECK: npu.gemm %[[H1]], %[[R]] {trans_b = true}
// CHECK: %[[Y:.*]] = npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) -> tensor<2x1x1x2xf32>
// CHECK: %[[YC:.*]] = npu.reshape %{{.*}} : tensor<1x2xf32> to tensor<1x1x2xf32>
// CHECK: return %[[Y]], %[[YC]]
// CHECK-NOT: npu.lstm
func.func @lstm_forward(%x: tensor<2x1x3xf32>) -> (tensor<2x1x1x2xf32>, tensor<1x1x2xf32>) {
  %w = npu.constant dense<0.5> : tensor<1x8x3xf32>
  %r = npu.constant dense<0.25> : tensor<1x8x2xf32>
  %b = npu.constant dense<0.125> : tensor<1x16xf32>
  %p = npu.constant dense<0.0625> : tensor<1x6xf32>
  %y, %h, %c = npu.lstm %x, %w, %r bias(%b : tensor<1x16xf32>) peepholes(%p : tensor<1x6xf32>) {direction = #npu.rnn_direction<forward>, hidden_size = 2 : i64, activations = ["Sigmoid", "Tanh", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>} : tensor<2x1x3xf32>, tensor<1x8x3xf32>, tensor<1x8x2xf32> -> y tensor<2x1x1x2xf32> y_h tensor<1x1x2xf32> y_c tensor<1x1x2xf32>
  return %y, %c : tensor<2x1x1x2xf32>, tensor<1x1x2xf32>
}

// -----

// GRU with linear_before_reset: Rbh is not in the input projection's bias
// (zeros in its place) but the bias of the candidate's state product,
// which the reset gate multiplies; H' = h~ + z (H - h~).
// CHECK-LABEL: func.func @gru_linear_before_reset
// CHECK: %[[WB:.*]] = npu.slice %[[B:.*]] {starts = array<i64: 0>, {{.*}}} : tensor<12xf32> to tensor<6xf32>
// CHECK: %[[RB:.*]] = npu.slice %[[B]] {starts = array<i64: 6>, {{.*}}} : tensor<12xf32> to tensor<6xf32>
// CHECK: %[[RBH:.*]] = npu.slice %[[RB]] {starts = array<i64: 4>, {{.*}}} : tensor<6xf32> to tensor<2xf32>
// CHECK: %[[RBZR:.*]] = npu.slice %[[RB]] {starts = array<i64: 0>, {{.*}}} : tensor<6xf32> to tensor<4xf32>
// CHECK: %[[ZERO:.*]] = npu.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: %[[RB2:.*]] = npu.concat %[[RBZR]], %[[ZERO]] {axis = 0 : i64}
// CHECK: %[[BIAS:.*]] = npu.add %[[WB]], %[[RB2]]
// CHECK: %[[XW:.*]] = npu.gemm %{{.*}}, %{{.*}}, %[[BIAS]] {trans_b = true} : (tensor<3x3xf32>, tensor<6x3xf32>, tensor<6xf32>) -> tensor<3x6xf32>
// CHECK: %[[RZR:.*]] = npu.slice %[[R:.*]] {starts = array<i64: 0, 0>, {{.*}}} : tensor<6x2xf32> to tensor<4x2xf32>
// CHECK: %[[RH:.*]] = npu.slice %[[R]] {starts = array<i64: 4, 0>, {{.*}}} : tensor<6x2xf32> to tensor<2x2xf32>
// CHECK: %[[ZR:.*]] = npu.add %{{.*}}, %{{.*}} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
// CHECK: %[[Z:.*]] = npu.sigmoid %{{.*}} : tensor<1x2xf32>
// CHECK: %[[RG:.*]] = npu.sigmoid %{{.*}} : tensor<1x2xf32>
// CHECK: %[[XH:.*]] = npu.slice %{{.*}} {starts = array<i64: 0, 4>
// CHECK: %[[HR:.*]] = npu.gemm %[[H:.*]], %[[RH]], %[[RBH]] {trans_b = true} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK: %[[RHR:.*]] = npu.mul %[[RG]], %[[HR]]
// CHECK: %[[PRE:.*]] = npu.add %[[XH]], %[[RHR]]
// CHECK: %[[CAND:.*]] = npu.tanh %[[PRE]]
// CHECK: %[[D:.*]] = npu.sub %[[H]], %[[CAND]]
// CHECK: %[[ZD:.*]] = npu.mul %[[Z]], %[[D]]
// CHECK: npu.add %[[CAND]], %[[ZD]]
// CHECK-NOT: npu.gru
func.func @gru_linear_before_reset(%x: tensor<3x1x3xf32>) -> tensor<1x1x2xf32> {
  %w = npu.constant dense<0.5> : tensor<1x6x3xf32>
  %r = npu.constant dense<0.25> : tensor<1x6x2xf32>
  %b = npu.constant dense<0.125> : tensor<1x12xf32>
  %h = npu.gru %x, %w, %r bias(%b : tensor<1x12xf32>) {direction = #npu.rnn_direction<forward>, hidden_size = 2 : i64, activations = ["Sigmoid", "Tanh"], activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, linear_before_reset} : tensor<3x1x3xf32>, tensor<1x6x3xf32>, tensor<1x6x2xf32> -> y_h tensor<1x1x2xf32>
  return %h : tensor<1x1x2xf32>
}

// -----

// Bidirectional RNN: direction 1 reads the sequence from its last step;
// Y joins the directions on axis 1, Y_h on axis 0. The clip bounds the
// pre-activations; LeakyRelu keeps its alpha.
// CHECK-LABEL: func.func @rnn_bidirectional
// CHECK: %[[XW0:.*]] = npu.gemm %{{.*}}, %{{.*}} {trans_b = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
// CHECK: npu.slice %[[XW0]] {starts = array<i64: 0, 0>
// CHECK: %[[C:.*]] = npu.clip %{{.*}} {max = 3.000000e+00 : f64, min = -3.000000e+00 : f64} : tensor<1x2xf32>
// CHECK: %[[F0:.*]] = npu.tanh %[[C]]
// CHECK: npu.slice %[[XW0]] {starts = array<i64: 1, 0>
// CHECK: npu.tanh
// CHECK: %[[Y0:.*]] = npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) -> tensor<2x1x1x2xf32>
// CHECK: %[[XW1:.*]] = npu.gemm %{{.*}}, %{{.*}} {trans_b = true}
// CHECK: npu.slice %[[XW1]] {starts = array<i64: 1, 0>
// CHECK: npu.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32}
// CHECK: npu.slice %[[XW1]] {starts = array<i64: 0, 0>
// CHECK: npu.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32}
// CHECK: %[[Y1:.*]] = npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64}
// CHECK: %[[Y:.*]] = npu.concat %[[Y0]], %[[Y1]] {axis = 1 : i64} : (tensor<2x1x1x2xf32>, tensor<2x1x1x2xf32>) -> tensor<2x2x1x2xf32>
// CHECK: %[[YH:.*]] = npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<2x1x2xf32>
// CHECK: return %[[Y]], %[[YH]]
func.func @rnn_bidirectional(%x: tensor<2x1x3xf32>) -> (tensor<2x2x1x2xf32>, tensor<2x1x2xf32>) {
  %w = npu.constant dense<0.5> : tensor<2x2x3xf32>
  %r = npu.constant dense<0.25> : tensor<2x2x2xf32>
  %y, %h = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<bidirectional>, hidden_size = 2 : i64, activations = ["Tanh", "LeakyRelu"], activation_alpha = array<f32: 0.0, 0.1>, activation_beta = array<f32: 0.0, 0.0>, clip = 3.0 : f32} : tensor<2x1x3xf32>, tensor<2x2x3xf32>, tensor<2x2x2xf32> -> y tensor<2x2x1x2xf32> y_h tensor<2x1x2xf32>
  return %y, %h : tensor<2x2x1x2xf32>, tensor<2x1x2xf32>
}

// -----

// Constant sequence lengths [3, 1] over 4 steps: step 0 runs everywhere
// (no mask), steps 1 and 2 only for element 0 (a constant mask: the state
// of element 1 is kept, its outputs are 0), step 3 for no element (zeros,
// no computation).
// CHECK-LABEL: func.func @rnn_constant_lengths
// CHECK: %[[XW:.*]] = npu.gemm
// CHECK: npu.slice %[[XW]] {starts = array<i64: 0, 0>
// CHECK: %[[H1:.*]] = npu.tanh
// CHECK-NOT: npu.mul
// CHECK: %[[M1:.*]] = npu.constant dense<{{\[}}[1.000000e+00], [0.000000e+00]]> : tensor<2x1xf32>
// CHECK: npu.slice %[[XW]] {starts = array<i64: 2, 0>
// CHECK: %[[N2:.*]] = npu.tanh
// CHECK: %[[Y2:.*]] = npu.mul %[[M1]], %[[N2]] : (tensor<2x1xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: %[[D:.*]] = npu.sub %[[N2]], %[[H1]]
// CHECK: %[[MD:.*]] = npu.mul %[[M1]], %[[D]]
// CHECK: %[[H2:.*]] = npu.add %[[H1]], %[[MD]]
// CHECK: npu.constant dense<{{\[}}[1.000000e+00], [0.000000e+00]]> : tensor<2x1xf32>
// CHECK: npu.slice %[[XW]] {starts = array<i64: 4, 0>
// CHECK: %[[Y4:.*]] = npu.constant dense<0.000000e+00> : tensor<2x2xf32>
// CHECK-NOT: npu.slice %[[XW]] {starts = array<i64: 6, 0>
// CHECK: npu.concat {{.*}} {axis = 0 : i64} : ({{.*}}) -> tensor<4x1x2x2xf32>
func.func @rnn_constant_lengths(%x: tensor<4x2x3xf32>) -> tensor<4x1x2x2xf32> {
  %w = npu.constant dense<0.5> : tensor<1x2x3xf32>
  %r = npu.constant dense<0.25> : tensor<1x2x2xf32>
  %len = npu.constant dense<[3, 1]> : tensor<2xi32>
  %y = npu.rnn %x, %w, %r sequence_lens(%len : tensor<2xi32>) {direction = #npu.rnn_direction<forward>, hidden_size = 2 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<4x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x2xf32> -> y tensor<4x1x2x2xf32>
  return %y : tensor<4x1x2x2xf32>
}

// -----

// Lengths known only at run time: one gather of a constant table's rows
// (row len holds t < len as 0 / 1) gives every step's mask; step t's is
// its column t.
// Weights that are not constants: one transpose of R, a matmul per step.
// CHECK-LABEL: func.func @rnn_runtime_lengths
// CHECK: %[[XW:.*]] = npu.gemm
// CHECK: %[[TABLE:.*]] = npu.constant dense<{{\[}}[0.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00]]> : tensor<3x2xf32>
// CHECK: %[[MASKS:.*]] = npu.gather %[[TABLE]], %arg1 {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi32>) -> tensor<2x2xf32>
// CHECK: %[[M0:.*]] = npu.slice %[[MASKS]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x2xf32> to tensor<2x1xf32>
// CHECK: %[[RT:.*]] = npu.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: npu.matmul %{{.*}}, %[[RT]]
// CHECK: npu.mul %[[M0]]
// CHECK: npu.slice %[[MASKS]] {starts = array<i64: 0, 1>, steps = array<i64: 1, 1>} : tensor<2x2xf32> to tensor<2x1xf32>
// CHECK-NOT: npu.transpose
// CHECK-NOT: npu.gather
// CHECK: npu.matmul %{{.*}}, %[[RT]]
func.func @rnn_runtime_lengths(%x: tensor<2x2x3xf32>, %len: tensor<2xi32>, %r: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = npu.constant dense<0.5> : tensor<1x2x3xf32>
  %h = npu.rnn %x, %w, %r sequence_lens(%len : tensor<2xi32>) {direction = #npu.rnn_direction<forward>, hidden_size = 2 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<2x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x2xf32> -> y_h tensor<1x2x2xf32>
  return %h : tensor<1x2x2xf32>
}
