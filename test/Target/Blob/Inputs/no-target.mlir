// No npu.target: npu-generate-tasks reports it.
func.func @main(%x: tensor<16x16x16xf16> {npu.name = "x"}) -> (tensor<16x16x16xf16> {npu.name = "y"}) {
  return %x : tensor<16x16x16xf16>
}
