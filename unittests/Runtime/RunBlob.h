//===- RunBlob.h - Running hand-built blobs on the device model -*- C++ -*-===//
//
// Test helpers shared by the device tests: read (and so verify) a blob and
// run it on the simulator's executor directly (no Level Zero), and build a
// blob holding one SHAVE task over graph arguments in DDR.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_UNITTESTS_RUNTIME_RUNBLOB_H
#define NPU_UNITTESTS_RUNTIME_RUNBLOB_H

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/ProgramBuilder.h"
#include "npu/Simulator/Executor.h"
#include "npu/Support/HostTensor.h"

#include <string>
#include <vector>

namespace npu::test {

struct RunResult {
  bool ok = false;
  std::string error;
  std::vector<HostTensor> outputs;
  sim::RunProfile profile;
};

/// Reads `bytes` (the reader verifies the whole program) and executes it
/// once with `inputs`; outputs are allocated from the blob's descriptions.
inline RunResult run(const std::vector<uint8_t> &bytes,
                     std::vector<HostTensor> inputs) {
  RunResult r;
  blob::LoadedBlob b;
  if (!blob::readBlob(bytes.data(), bytes.size(), {}, b, r.error))
    return r;
  std::vector<sim::ArgMemory> ins, outs;
  for (HostTensor &t : inputs)
    ins.push_back({t.raw(), t.byteSize()});
  for (const blob::TensorDesc &d : b.program.outputs) {
    r.outputs.emplace_back(d.dtype, d.shape);
    outs.push_back({r.outputs.back().raw(), r.outputs.back().byteSize()});
  }
  sim::DeviceState state;
  r.ok = sim::execute(b, ins, outs, state, &r.profile, r.error);
  return r;
}

/// A blob with one SHAVE task reading graph inputs and writing the output
/// directly in DDR. With `step` > 1 each input argument's last dimension
/// is `step` times the task's and the task reads every step-th element
/// (a strided operand).
/// `extraOuts`: further outputs (TopK's indices), after `out`.
inline std::vector<uint8_t>
shaveBlob(blob::ShaveTask task, std::vector<blob::TensorDesc> ins,
          blob::TensorDesc out, uint32_t step = 1,
          const std::vector<blob::TensorDesc> &extraOuts = {}) {
  blob::ProgramBuilder b(arch::Platform::NPU3720);
  for (blob::TensorDesc d : ins) {
    std::vector<uint32_t> shape(d.shape.begin(), d.shape.end());
    if (!d.shape.empty())
      d.shape.back() *= step;
    uint32_t buf = b.addInput(d);
    blob::TensorRef r = b.ref(buf, d.dtype, shape);
    for (uint64_t &s : r.strides) // The argument's strides, shape unchanged.
      s *= step;
    task.inputs.push_back(r);
  }
  std::vector<blob::TensorDesc> outs = {out};
  outs.insert(outs.end(), extraOuts.begin(), extraOuts.end());
  task.outputs.clear();
  for (const blob::TensorDesc &o : outs) {
    uint32_t ob = b.addOutput(o);
    task.outputs.push_back(
        b.ref(ob, o.dtype, {o.shape.begin(), o.shape.end()}));
  }
  b.addShave(0, 0, task, {}, {}, "kernel");
  return b.build();
}

} // namespace npu::test

#endif // NPU_UNITTESTS_RUNTIME_RUNBLOB_H
