// An edited grouped stage: code generation checks the recorded layer
// grouping (CmxResidency.h, recordedCmxResidency) and reports what makes it
// wrong at the op concerned, instead of generating a blob whose tasks race
// or overflow CMX.
// RUN: npu-opt %s -split-input-file -verify-diagnostics --npu-generate-tasks -o /dev/null

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    // expected-error @+1 {{reads a tensor kept in CMX; only DPU ops reading it as an activation may (remove 'npu.cmx' from its producer)}}
    %t = npu.transpose %a {perm = array<i64: 1, 0, 2>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %t, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{has a CMX copy of 8192 bytes, not 8000}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1974272 : i64, size = 8000 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %b, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    // expected-error @+1 {{keeps its result at CMX bytes [1970176, 1978368), overlapping bytes [1974272, 1982464) of a tensor kept there at the same time}}
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, npu.cmx = {offset = 1970176 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %b, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{keeps its result at CMX bytes [1978368, 1986560), which must start at a multiple of 64 and end within the 1982464 usable bytes}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1978368 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %b, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{holds its result banded, but a reader is not row-local (1x1, stride 1, unpadded convolution or eltwise)}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {banded, offset = 1978368 : i64, size = 4096 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %b, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.other = 1 : i64} {
    // expected-error @+1 {{has an 'npu.cmx' record but the function has no 'npu.cmx_tiles' (the tiles it was made for)}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %b, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{'s 'npu.cmx' must be {offset = N, size = N} (non-negative byte counts, plus 'banded' for a banded tensor)}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1974272 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %b, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    // expected-error @+1 {{keeps its result in CMX but only a DPU op's result, or the result of its SHAVE epilogue}}
    %t = npu.transpose %a {perm = array<i64: 1, 0, 2>, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %t, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    // expected-error @+1 {{keeps a function result in CMX; results go to their Output buffer (remove 'npu.cmx' from this op)}}
    %c = npuhw.dpu_eltwise add %a, %a {shift = 1 : i32, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

// Offset 0 leaves the DPU ops of its live range no CMX.
module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{has no CMX left for its pieces: a tensor kept in CMX at offset 0 is live at it}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 0 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %a, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{'s 'npu.cmx' has 'banded = false': 'banded' is a unit entry (present: banded; absent: whole)}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {banded = false, offset = 1974272 : i64, size = 8192 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %a, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

// -----

module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"}) -> (tensor<16x16x32xi8> {npu.name = "y"}) attributes {npu.cmx_tiles = 2 : i64} {
    // expected-error @+1 {{'s 'npu.cmx' has 'tile', which is not a field of it (offset, size, banded)}}
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64, tile = 0 : i64}} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    %c = npuhw.dpu_eltwise add %a, %a {shift = 1 : i32} : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8>
    return %c : tensor<16x16x32xi8>
  }
}

