//===- RuntimeHelpers.h - Shared set-up of the runtime tests ---*- C++ -*-===//
//
// The process's runtime Core (through the real Level Zero loader and the
// simulated driver), the sample blobs by name, and importing a blob with a
// test failure when it is rejected.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_UNITTESTS_RUNTIME_RUNTIMEHELPERS_H
#define NPU_UNITTESTS_RUNTIME_RUNTIMEHELPERS_H

#include "npu/Blob/Samples/Samples.h"
#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/Core.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace npu::test {

/// One Core for the whole test binary.
inline std::shared_ptr<runtime::Core> core() {
  static auto c = runtime::Core::create();
  EXPECT_TRUE(c.ok()) << c.message();
  return c.ok() ? *c : nullptr;
}

/// The bytes of sample `name` for `p` (empty if there is none).
inline std::vector<uint8_t> sample(arch::Platform p, const std::string &name) {
  for (blob::SampleBlob &s : blob::makeSampleBlobs(p))
    if (s.name == name)
      return s.bytes;
  return {};
}

/// Imports `bytes`; null (and a test failure) when the runtime rejects it.
inline std::shared_ptr<runtime::CompiledModel>
load(const std::vector<uint8_t> &bytes, runtime::ModelConfig cfg = {}) {
  auto m = core()->importModel(bytes.data(), bytes.size(), cfg);
  EXPECT_TRUE(m.ok()) << m.message();
  return m.ok() ? *m : nullptr;
}

} // namespace npu::test

#endif // NPU_UNITTESTS_RUNTIME_RUNTIMEHELPERS_H
