//===- RaceCheck.h - Unordered conflicting tasks of a program ---*- C++ -*-===//
//
// Two tasks that touch overlapping bytes, one of them writing, must be
// ordered: by their queue (the earlier task of the same engine) or by
// barriers (a task runs after every producer of each barrier it waits for),
// transitively. The blob verifier checks that a schedule cannot deadlock,
// not that it is free of races; code generation derives its barriers from
// exactly these hazards (TaskScheduler.h), so its programs have none, but a
// hand-edited addressed stage can. Overlap is exact for views of a
// row-major parent (Access::overlaps), else by byte range. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_RACECHECK_H
#define NPU_TARGET_BLOB_RACECHECK_H

#include "npu/Blob/Program.h"

#include <string>

namespace npu::target {

/// False with a message naming the first race found (both tasks, their
/// queues, the memory and the bytes), or the tasks no legal order reaches.
/// `program` must have passed blob::verifyProgram. Cost: one bit per pair
/// of tasks, plus the pairs whose byte ranges overlap.
bool checkRaces(const blob::Program &program, std::string &error);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_RACECHECK_H
