//===- ProgramConversion.h - nputask.program <-> blob::Program --*- C++ -*-===//
//
// The addressed stage and the blob hold the same content: these two
// functions convert one into the other without loss, so that
// exportProgram(buildProgramOp(p, w)) gives back p and w exactly (the same
// blob bytes). Buffers and barriers are numbered in program order; each
// queue becomes one task list.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUTASK_IR_PROGRAMCONVERSION_H
#define NPU_DIALECT_NPUTASK_IR_PROGRAMCONVERSION_H

#include "npu/Blob/Program.h"
#include "npu/Dialect/NPUTask/IR/NPUTaskOps.h"

#include "mlir/IR/Builders.h"

#include <cstdint>
#include <vector>

namespace npu::task {

/// Creates the nputask.program of `program` with weights section `weights`
/// (stored as a dense resource) at `builder`'s insertion point.
ProgramOp buildProgramOp(mlir::OpBuilder &builder, mlir::Location loc,
                         const blob::Program &program,
                         llvm::ArrayRef<uint8_t> weights);

/// A program read back from the IR.
struct ExportedProgram {
  blob::Program program;
  std::vector<uint8_t> weights; ///< Empty when not asked for.
  uint64_t weightsSize = 0;     ///< Bytes of the weights section.
};

/// Reads `op` back into a Program (and, with `withWeights`, a copy of its
/// weights section). Fails with an error at the offending op when a field
/// is out of range or names an unknown platform, element type, layout or
/// SHAVE kernel, or when a task names a buffer or barrier that is not one
/// of the program's. The result is not verified: see blob::verifyProgram.
mlir::FailureOr<ExportedProgram> exportProgram(ProgramOp op,
                                               bool withWeights = true);

/// An error at `op`'s location naming the op, without printing it (a
/// program can be megabytes of text).
mlir::InFlightDiagnostic programError(ProgramOp op);

} // namespace npu::task

#endif // NPU_DIALECT_NPUTASK_IR_PROGRAMCONVERSION_H
