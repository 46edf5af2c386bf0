// RUN: npu-opt %s -split-input-file -verify-diagnostics --npu-write-blob="target=NPU3720"
// What code generation cannot map is reported at the op, never crashes.

func.func @not_hwops(%x: tensor<16xf32> {npu.name = "x"}) -> (tensor<16xf32> {npu.name = "y"}) {
  // expected-error @+1 {{'npu.relu' op is not supported by code generation}}
  %y = npu.relu %x : tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

func.func @negative_step(%x: tensor<8xf16> {npu.name = "x"}) -> (tensor<4xf16> {npu.name = "y"}) {
  // expected-error @+1 {{code generation supports positive steps only}}
  %y = npu.slice %x {starts = array<i64: 7>, steps = array<i64: -2>} : tensor<8xf16> to tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

// expected-error @+1 {{graph argument 'x' of type 'tensor<?x4xf16>' is not a non-empty static tensor}}
func.func @dynamic(%x: tensor<?x4xf16> {npu.name = "x"}) -> (tensor<?x4xf16> {npu.name = "y"}) {
  return %x : tensor<?x4xf16>
}

// -----

// An ONNX graph output that is its input (found by a fresh user: "two graph
// arguments are named 'x'").
// expected-error @+1 {{graph output 'x' is the graph input of that name (the model passes it through unchanged): a blob names its inputs and outputs uniquely, as the runtime finds them by name; give the output a name of its own (an Identity node writing a new tensor)}}
func.func @names(%x: tensor<4xf16> {npu.name = "x"}) -> (tensor<4xf16> {npu.name = "x"}) {
  return %x : tensor<4xf16>
}

// -----

// expected-error @+1 {{two graph outputs are named 'y' (the model lists one twice): a blob names}}
func.func @outputs_twice(%x: tensor<4xf16> {npu.name = "x"}) -> (tensor<4xf16> {npu.name = "y"}, tensor<4xf16> {npu.name = "y"}) {
  return %x, %x : tensor<4xf16>, tensor<4xf16>
}

// -----

// A doubled input is told to list it once, not to rename an output (found
// by a fresh user).
// expected-error @+1 {{two graph inputs are named 'x' (the model lists one twice): a blob names its inputs and outputs uniquely, as the runtime finds them by name; list the input once}}
func.func @inputs_twice(%x: tensor<4xf16> {npu.name = "x"}, %x2: tensor<4xf16> {npu.name = "x"}) -> (tensor<4xf16> {npu.name = "y"}) {
  return %x : tensor<4xf16>
}

// -----

func.func @huge_row(%x: tensor<16x8192x512xf16> {npu.name = "x"}) -> (tensor<16x8192x512xf16> {npu.name = "y"}) {
  // expected-error @+1 {{cannot be tiled for CMX: one output row of 16 channels needs}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 11, 11>, strides = array<i64: 1, 1>, pads = array<i64: 5, 5, 5, 5>}
      : (tensor<16x8192x512xf16>) -> tensor<16x8192x512xf16>
  return %y : tensor<16x8192x512xf16>
}

// -----

// How DMA ports are picked, as npu-group-layers records it: one value only.
// expected-error @+1 {{'func.func' op has npu.dma_ports = "round-robin"; expected "earliest-start"}}
func.func @dma_ports(%x: tensor<1x8x64x64xf32> {npu.name = "x"}) -> (tensor<1x8x64x64xf16> {npu.name = "y"}) attributes {npu.dma_ports = "round-robin"} {
  %y = npuhw.shave "convert" %x : (tensor<1x8x64x64xf32>) -> tensor<1x8x64x64xf16> loc("convert")
  return %y : tensor<1x8x64x64xf16>
}

// -----

// How SHAVEs are picked, as npu-group-layers records it: one value only.
// expected-error @+1 {{'func.func' op has npu.shaves = "in-turn"; expected "earliest-start"}}
func.func @shaves(%x: tensor<1x8x64x64xf32> {npu.name = "x"}) -> (tensor<1x8x64x64xf16> {npu.name = "y"}) attributes {npu.shaves = "in-turn"} {
  %y = npuhw.shave "convert" %x : (tensor<1x8x64x64xf32>) -> tensor<1x8x64x64xf16> loc("convert")
  return %y : tensor<1x8x64x64xf16>
}

// -----

// An elementwise SHAVE op into each concat, as npu-group-layers records it:
// a unit attribute.
// expected-error @+1 {{'func.func' op has npu.shave_into_each_concat = true; expected a unit attribute (present or not)}}
func.func @into_each(%x: tensor<1x8x64x64xf32> {npu.name = "x"}) -> (tensor<1x8x64x64xf16> {npu.name = "y"}) attributes {npu.shave_into_each_concat = true} {
  %y = npuhw.shave "convert" %x : (tensor<1x8x64x64xf32>) -> tensor<1x8x64x64xf16> loc("convert")
  return %y : tensor<1x8x64x64xf16>
}

// -----

// How finely SHAVE kernels are split by their work, as npu-group-layers
// records it: a whole number from 1 to 16 (tasks keep 1 / N of a launch's
// vector work).
// expected-error @+1 {{'func.func' op has npu.shave_split_by_work = 0 : i64; expected an integer from 1 to 16}}
func.func @split_zero(%x: tensor<1x8x64x64xf32> {npu.name = "x"}) -> (tensor<1x8x64x64xf16> {npu.name = "y"}) attributes {npu.shave_split_by_work = 0 : i64} {
  %y = npuhw.shave "convert" %x : (tensor<1x8x64x64xf32>) -> tensor<1x8x64x64xf16> loc("convert")
  return %y : tensor<1x8x64x64xf16>
}

// -----

// expected-error @+1 {{'func.func' op has npu.shave_split_by_work = unit; expected an integer from 1 to 16}}
func.func @split_unit(%x: tensor<1x8x64x64xf32> {npu.name = "x"}) -> (tensor<1x8x64x64xf16> {npu.name = "y"}) attributes {npu.shave_split_by_work} {
  %y = npuhw.shave "convert" %x : (tensor<1x8x64x64xf32>) -> tensor<1x8x64x64xf16> loc("convert")
  return %y : tensor<1x8x64x64xf16>
}
