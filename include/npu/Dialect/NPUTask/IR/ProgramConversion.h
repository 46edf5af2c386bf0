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
#include "npu/Target/Blob/TaskScheduler.h"

#include "mlir/IR/Builders.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npu::task {

using target::kNoSchedule;
using target::kUnassignedOffset;
using target::ProgramSchedule;
using target::TaskSchedule;

/// Creates the nputask.program of `program` with weights section `weights`
/// (stored as a dense resource) at `builder`'s insertion point. With a
/// non-empty `schedule` (the `tasks` stage), each task gets its `schedule`
/// attribute and buffers at kUnassignedOffset are printed without offset;
/// `plannedOffsets` (per buffer, kUnassignedOffset for none) gives their
/// `planned_offset`.
ProgramOp buildProgramOp(mlir::OpBuilder &builder, mlir::Location loc,
                         const blob::Program &program,
                         llvm::ArrayRef<uint8_t> weights,
                         const ProgramSchedule &schedule = {},
                         llvm::ArrayRef<uint64_t> plannedOffsets = {});

/// A program read back from the IR.
struct ExportedProgram {
  blob::Program program;
  std::vector<uint8_t> weights; ///< Empty when not asked for.
  uint64_t weightsSize = 0;     ///< Bytes of the weights section.
  /// The tasks' schedules when they have them (the `tasks` stage), else
  /// empty. Buffers without offset read as kUnassignedOffset.
  ProgramSchedule schedule;
  /// Per buffer: its `planned_offset`, or kUnassignedOffset.
  std::vector<uint64_t> plannedOffsets;
  /// Whether this is the `tasks` stage: a task with a schedule or a buffer
  /// without offset.
  bool isTasksStage() const;
};

/// Checks a `tasks` stage program (ExportedProgram::isTasksStage): every
/// task has a schedule, the positions number the tasks 0 .. N-1 and
/// increase along each queue, op and step groups do not decrease with the
/// position, no barriers, only CMX and scratch buffers unplaced, and the
/// blob verifier's rules for everything but placement. False with `error`.
bool verifyTasksStage(const ExportedProgram &program, std::string &error);

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
