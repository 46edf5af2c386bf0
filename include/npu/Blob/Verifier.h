//===- Verifier.h - Semantic checks of a blob Program ----------*- C++ -*-===//
//
// Everything that must hold before a Program may run on a device: arguments,
// buffers inside their memory spaces (CMX within the platform's usable
// capacity), every task operand inside the buffer it names and in a memory
// space its engine can reach, operation shapes and hardware limits, barrier
// counts that match the tasks, and a schedule that cannot deadlock. The rules
// are listed in docs/blob-format.md ("Verification").
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_VERIFIER_H
#define NPU_BLOB_VERIFIER_H

#include "npu/Blob/Program.h"

#include <optional>
#include <string>

namespace npu::blob {

/// Returns false with a message naming the first violation.
/// `weightsSize` is the size of the blob's weights section.
bool verifyProgram(const Program &program, uint64_t weightsSize,
                   std::string &error);

/// Checks the parameters of DPU task `t` reading `input` elements: eltwise
/// input multipliers of 16 bits, input zero points within a quantized
/// input's type, and the post-processing (16-bit multipliers, shifts in
/// range, an output zero point within a quantized output's type, a
/// non-empty clamp range); the rules of `platform` when it is given. Only
/// t.op, the zero points, multipliers, ppe and output.dtype are read.
/// Shared with the npuhw op verifiers, so that an edited hardware-op stage
/// is rejected at the op.
bool verifyDpuParameters(const DpuTask &t, DType input,
                         std::optional<arch::Platform> platform,
                         std::string &error);

/// Checks the operands and parameters of one SHAVE kernel invocation
/// (arity, element types, shapes, parameters). Shared with the simulator,
/// which relies on it before executing a kernel.
bool verifyShaveTask(const ShaveTask &task, std::string &error);

} // namespace npu::blob

#endif // NPU_BLOB_VERIFIER_H
