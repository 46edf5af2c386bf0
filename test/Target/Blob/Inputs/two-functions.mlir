// Two functions: code generation compiles one model function.
module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @a(%x: tensor<16xf16> {npu.name = "x"}) -> (tensor<16xf16> {npu.name = "y"}) {
    return %x : tensor<16xf16>
  }
  func.func @b(%x: tensor<16xf16> {npu.name = "x"}) -> (tensor<16xf16> {npu.name = "y"}) {
    return %x : tensor<16xf16>
  }
}
