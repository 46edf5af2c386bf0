// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(npu-lower-to-hw))' | FileCheck %s
// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' | FileCheck %s --check-prefix=INT8

// A matmul of two activations large enough to pay for its data movement
// (an attention's scores, 2 heads of 128 x 128 x 64, on NPU3720): one fp16
// DPU 1x1 convolution per head, whose weights are the head's right-hand
// matrix transposed by DMA, with a constant weight table. The multiply by
// 1/sqrt(64) after it is the table's scale (each entry: the channel's
// weights offset, 128 bytes apart, -1, 0.125 as f32, bias 0), not a SHAVE kernel. Every operand is moved
// before the first DPU task.
// CHECK-LABEL: func.func @scores
// CHECK: %[[TABLE:.*]] = npu.constant dense<"0x00000000FFFFFFFF0000003E0000000080000000FFFFFFFF0000003E00000000
// CHECK-SAME: tensor<128x4xi32>
// CHECK: %[[W0T:.*]] = npu.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<64x128xf16>) -> tensor<128x64xf16>
// CHECK: %[[W0:.*]] = npu.reshape %[[W0T]] : tensor<128x64xf16> to tensor<128x1x1x64xf16>
// CHECK: %[[A0:.*]] = npu.slice %{{.*}} : tensor<2x128x64xf16> to tensor<1x128x64xf16>
// CHECK: %[[W1T:.*]] = npu.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<64x128xf16>) -> tensor<128x64xf16>
// CHECK: %[[W1:.*]] = npu.reshape %[[W1T]] : tensor<128x64xf16> to tensor<128x1x1x64xf16>
// CHECK: %[[A1:.*]] = npu.slice %{{.*}} : tensor<2x128x64xf16> to tensor<1x128x64xf16>
// CHECK: %[[Y0:.*]] = npuhw.dpu_conv conv %[[A0]], %[[W0]], %[[TABLE]] {kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x128x64xf16>, tensor<128x1x1x64xf16>, tensor<128x4xi32>) -> tensor<1x128x128xf16>
// CHECK: %[[Y1:.*]] = npuhw.dpu_conv conv %[[A1]], %[[W1]], %[[TABLE]]
// CHECK: npu.concat %[[Y0]], %[[Y1]] {axis = 0 : i64} : (tensor<1x128x128xf16>, tensor<1x128x128xf16>) -> tensor<2x128x128xf16>
// CHECK-NOT: npuhw.shave "matmul"
// CHECK-NOT: npuhw.shave "mul"
// CHECK: npuhw.shave "softmax"
// INT8-LABEL: func.func @scores
// INT8-COUNT-2: npuhw.dpu_conv conv {{.*}} : (tensor<1x128x64xf16>, tensor<128x1x1x64xf16>, tensor<128x4xi32>) -> tensor<1x128x128xf16>
// INT8-NOT: npuhw.shave "matmul"
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @scores(%q: tensor<1x2x128x64xf32>, %k: tensor<1x2x64x128xf32>) -> tensor<1x2x128x128xf32> {
  %s = npu.matmul %q, %k : (tensor<1x2x128x64xf32>, tensor<1x2x64x128xf32>) -> tensor<1x2x128x128xf32>
  %c = npu.constant dense<0.125> : tensor<f32>
  %m = npu.mul %s, %c : (tensor<1x2x128x128xf32>, tensor<f32>) -> tensor<1x2x128x128xf32>
  %p = npu.softmax %m {axis = 3 : i64} : tensor<1x2x128x128xf32>
  return %p : tensor<1x2x128x128xf32>
}
}

// -----

// Channels and output channels that are not multiples of 16 are padded
// with zeros: A's channels (40 -> 48), the transposed matrix's channels and
// rows (200 -> 208 output channels); the result is sliced back. A divide by a
// scalar is the table's scale 1/4 (0x3E800000).
// CHECK-LABEL: func.func @padded
// CHECK: npu.constant dense<"0x00000000FFFFFFFF0000803E0000000060000000FFFFFFFF0000803E00000000
// CHECK-SAME: tensor<208x4xi32>
// CHECK: npu.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<40x200xf16>) -> tensor<200x40xf16>
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<200x40xf16>, tensor<200x8xf16>) -> tensor<200x48xf16>
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<200x48xf16>, tensor<8x48xf16>) -> tensor<208x48xf16>
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<256x40xf16>, tensor<256x8xf16>) -> tensor<256x48xf16>
// CHECK: npuhw.dpu_conv conv {{.*}} : (tensor<1x256x48xf16>, tensor<208x1x1x48xf16>, tensor<208x4xi32>) -> tensor<1x256x208xf16>
// CHECK: npu.slice %{{.*}} : tensor<1x256x208xf16> to tensor<1x256x200xf16>
// CHECK-NOT: npuhw.shave "div"
// INT8-LABEL: func.func @padded
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @padded(%a: tensor<2x256x40xf32>, %b: tensor<2x40x200xf32>) -> tensor<2x256x200xf32> {
  %s = npu.matmul %a, %b : (tensor<2x256x40xf32>, tensor<2x40x200xf32>) -> tensor<2x256x200xf32>
  %c = npu.constant dense<4.0> : tensor<f32>
  %d = npu.div %s, %c : (tensor<2x256x200xf32>, tensor<f32>) -> tensor<2x256x200xf32>
  return %d : tensor<2x256x200xf32>
}
}

// -----

// Small products stay on SHAVE: the DPU form's data movement would cost
// more than the kernel (here 2 matrices of 5 x 5 x 12); so does every matmul
// of a module without a target (no cost model to ask).
// CHECK-LABEL: func.func @small
// CHECK: npuhw.shave "matmul" %{{.*}}, %{{.*}} : (tensor<2x5x12xf16>, tensor<2x12x5xf16>) -> tensor<2x5x5xf16>
// CHECK-NOT: npuhw.dpu_conv
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @small(%a: tensor<2x5x12xf32>, %b: tensor<2x12x5xf32>) -> tensor<2x5x5xf32> {
  %s = npu.matmul %a, %b : (tensor<2x5x12xf32>, tensor<2x12x5xf32>) -> tensor<2x5x5xf32>
  return %s : tensor<2x5x5xf32>
}
}

// -----

// CHECK-LABEL: func.func @no_target
// CHECK: npuhw.shave "matmul"
// CHECK-NOT: npuhw.dpu_conv
func.func @no_target(%q: tensor<1x2x128x64xf32>, %k: tensor<1x2x64x128xf32>) -> tensor<1x2x128x128xf32> {
  %s = npu.matmul %q, %k : (tensor<1x2x128x64xf32>, tensor<1x2x64x128xf32>) -> tensor<1x2x128x128xf32>
  return %s : tensor<1x2x128x128xf32>
}

// -----

// Heads split by Reshape + Transpose, as exporters write attention: each
// head's matrix is sliced from the transpose's input directly, one strided
// slice per head; k's transpose (perm [0, 2, 3, 1]) already holds each
// head's k^T the other way round, so its matrix is the DPU's weights
// without a transpose, and q's holds [T, d] rows as the DPU input. The
// whole-tensor transposes go.
// CHECK-LABEL: func.func @heads
// CHECK-NOT: npu.transpose
// CHECK: npu.slice %{{.*}} {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x128x2x64xf16> to tensor<1x128x1x64xf16>
// CHECK: npu.reshape %{{.*}} : tensor<1x128x1x64xf16> to tensor<128x1x1x64xf16>
// CHECK: npu.slice %{{.*}} {starts = array<i64: 0, 0, 1, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x128x2x64xf16> to tensor<1x128x1x64xf16>
// CHECK-NOT: npu.transpose
// CHECK-COUNT-2: npuhw.dpu_conv conv {{.*}} : (tensor<1x128x64xf16>, tensor<128x1x1x64xf16>, tensor<128x4xi32>) -> tensor<1x128x128xf16>
// CHECK-NOT: npu.transpose
// CHECK: return
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @heads(%q: tensor<1x128x2x64xf32>, %k: tensor<1x128x2x64xf32>) -> tensor<1x2x128x128xf32> {
  %qh = npu.transpose %q {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x128x2x64xf32>) -> tensor<1x2x128x64xf32>
  %kt = npu.transpose %k {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x128x2x64xf32>) -> tensor<1x2x64x128xf32>
  %s = npu.matmul %qh, %kt : (tensor<1x2x128x64xf32>, tensor<1x2x64x128xf32>) -> tensor<1x2x128x128xf32>
  return %s : tensor<1x2x128x128xf32>
}
}

// -----

// A long sequence (1024 tokens): one row of the weighted sum's input
// (1024 x 1024 f16, 2 MiB) would not fit a tile's CMX, so the DPU sees the
// pixels as 1024 rows of 1, which tiling splits (the workloads still get
// the cheapest shape in code generation).
// CHECK-LABEL: func.func @long
// CHECK: npuhw.dpu_conv conv {{.*}} : (tensor<1024x1x1024xf16>, tensor<64x1x1x1024xf16>, tensor<64x4xi32>) -> tensor<1024x1x64xf16>
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @long(%p: tensor<1x1x1024x1024xf32>, %v: tensor<1x1x1024x64xf32>) -> tensor<1x1x1024x64xf32> {
  %s = npu.matmul %p, %v : (tensor<1x1x1024x1024xf32>, tensor<1x1x1024x64xf32>) -> tensor<1x1x1024x64xf32>
  return %s : tensor<1x1x1024x64xf32>
}
}

// -----

// Batch dimensions broadcast as ONNX MatMul's: a 2-D A times each of B's
// 2 matrices reads the one A matrix, moved (padded 40 -> 48 channels) once.
// CHECK-LABEL: func.func @broadcast
// CHECK: %[[A:.*]] = npu.reshape %{{.*}} : tensor<256x48xf16> to tensor<1x256x48xf16>
// CHECK: npuhw.dpu_conv conv %[[A]], {{.*}} -> tensor<1x256x208xf16>
// CHECK: npuhw.dpu_conv conv %[[A]], {{.*}} -> tensor<1x256x208xf16>
// CHECK-NOT: npuhw.shave "matmul"
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @broadcast(%a: tensor<256x40xf32>, %b: tensor<2x40x200xf32>) -> tensor<2x256x200xf32> {
  %s = npu.matmul %a, %b : (tensor<256x40xf32>, tensor<2x40x200xf32>) -> tensor<2x256x200xf32>
  return %s : tensor<2x256x200xf32>
}
}
