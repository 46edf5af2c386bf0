// RUN: npu-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// The module's target: a typed #npu.target attribute, only on a module.

// CHECK: module attributes {npu.target = #npu.target<NPU4000>}
module attributes {npu.target = #npu.target<NPU4000>} {
}

// -----

// CHECK: module attributes {npu.target = #npu.target<NPU3720>}
module attributes {npu.target = #npu.target<NPU3720>} {
}

// -----

// expected-error@+1 {{'npu.target' must be a target such as #npu.target<NPU3720>, not "NPU3720"}}
module attributes {npu.target = "NPU3720"} {
}

// -----

module {
  // expected-error@+1 {{'npu.target' is only allowed on a module}}
  func.func @f() attributes {npu.target = #npu.target<NPU3720>} {
    return
  }
}

// -----

// expected-error@+2 {{expected ::npu::Target to be one of: NPU3720, NPU4000}}
// expected-error@+1 {{failed to parse NPU_TargetAttr parameter 'value'}}
module attributes {npu.target = #npu.target<NPU5000>} {
}
