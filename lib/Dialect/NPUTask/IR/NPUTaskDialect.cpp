//===- NPUTaskDialect.cpp - The nputask dialect, its attributes, verifier -===//

#include "npu/Dialect/NPUTask/IR/NPUTaskOps.h"
#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"

#include "npu/Blob/Verifier.h"
#include "npu/Target/Blob/RaceCheck.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace npu::task;

#include "npu/Dialect/NPUTask/IR/NPUTaskEnums.cpp.inc"
#include "npu/Dialect/NPUTask/IR/NPUTaskOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/NPUTask/IR/NPUTaskAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "npu/Dialect/NPUTask/IR/NPUTaskOpsTypes.cpp.inc"

void NPUTaskDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "npu/Dialect/NPUTask/IR/NPUTaskAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "npu/Dialect/NPUTask/IR/NPUTaskOpsTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "npu/Dialect/NPUTask/IR/NPUTaskOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "npu/Dialect/NPUTask/IR/NPUTaskOps.cpp.inc"

//===----------------------------------------------------------------------===//
// #nputask.view
//===----------------------------------------------------------------------===//

/// Row-major byte strides of `shape` with elements of `dtype`.
static SmallVector<uint64_t> denseStrides(npu::DType dtype,
                                          ArrayRef<uint32_t> shape) {
  SmallVector<uint64_t> strides(shape.size());
  uint64_t stride = npu::dtypeSize(dtype);
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/// Parses a non-negative integer that fits in T (a negative one is an
/// error, not a wrapped value).
template <typename T>
static ParseResult parseCount(AsmParser &parser, T &value) {
  SMLoc loc = parser.getCurrentLocation();
  APInt v;
  if (parser.parseInteger(v))
    return failure();
  if (v.isNegative() || v.getActiveBits() > sizeof(T) * 8)
    return parser.emitError(loc) << "expected a count or byte offset from 0 "
                                 << "to " << uint64_t(T(~T(0)));
  value = T(v.getZExtValue());
  return success();
}

template <typename T>
static ParseResult parseIntegerList(AsmParser &parser,
                                    SmallVectorImpl<T> &values) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    T value;
    if (parseCount(parser, value))
      return failure();
    values.push_back(value);
    return success();
  });
}

Attribute ViewAttr::parse(AsmParser &parser, Type) {
  std::string dtypeName;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeywordOrString(&dtypeName))
    return {};
  std::optional<npu::DType> dtype = npu::parseDType(dtypeName);
  if (!dtype) {
    parser.emitError(loc) << "unknown element type '" << dtypeName
                          << "' (expected f32, f16, i8, u8, i32, ...)";
    return {};
  }
  SmallVector<uint32_t> shape;
  uint64_t offset = 0;
  if (parseIntegerList(parser, shape) || parser.parseKeyword("offset") ||
      parseCount(parser, offset))
    return {};
  SmallVector<uint64_t> strides;
  if (succeeded(parser.parseOptionalKeyword("strides"))) {
    SMLoc stridesLoc = parser.getCurrentLocation();
    if (parseIntegerList(parser, strides))
      return {};
    if (strides.size() != shape.size()) {
      parser.emitError(stridesLoc)
          << "a view has one stride per dimension: " << shape.size()
          << " dimensions, " << strides.size() << " strides";
      return {};
    }
  } else {
    strides = denseStrides(*dtype, shape);
  }
  if (parser.parseGreater())
    return {};
  return ViewAttr::get(parser.getContext(), offset, *dtype, shape, strides);
}

void ViewAttr::print(AsmPrinter &printer) const {
  printer << "<" << npu::dtypeName(getDtype()) << " [";
  llvm::interleaveComma(getShape(), printer);
  printer << "] offset " << getOffset();
  if (ArrayRef<uint64_t>(denseStrides(getDtype(), getShape())) !=
      getStrides()) {
    printer << " strides [";
    llvm::interleaveComma(getStrides(), printer);
    printer << "]";
  }
  printer << ">";
}

//===----------------------------------------------------------------------===//
// #nputask.workload
//===----------------------------------------------------------------------===//

Attribute WorkloadAttr::parse(AsmParser &parser, Type) {
  uint32_t x, y, k, width, height, channels;
  std::string mode;
  if (parser.parseLess() || parser.parseKeyword("at") ||
      parseCount(parser, x) || parser.parseComma() || parseCount(parser, y) ||
      parser.parseComma() || parseCount(parser, k) ||
      parser.parseKeyword("size") || parseCount(parser, width) ||
      parser.parseComma() || parseCount(parser, height) ||
      parser.parseComma() || parseCount(parser, channels))
    return {};
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseKeywordOrString(&mode) || parser.parseGreater())
    return {};
  for (auto m : {npu::arch::MpeMode::Cuboid4x16, npu::arch::MpeMode::Cuboid8x16,
                 npu::arch::MpeMode::Cuboid16x16})
    if (mode == npu::arch::mpeModeName(m))
      return WorkloadAttr::get(parser.getContext(), x, y, k, width, height,
                               channels, m);
  parser.emitError(loc) << "unknown MPE mode '" << mode
                        << "' (expected CUBOID_4x16, CUBOID_8x16 or "
                           "CUBOID_16x16)";
  return {};
}

void WorkloadAttr::print(AsmPrinter &printer) const {
  printer << "<at " << getX() << ", " << getY() << ", " << getK() << " size "
          << getWidth() << ", " << getHeight() << ", " << getChannels() << " "
          << npu::arch::mpeModeName(getMpeMode()) << ">";
}

//===----------------------------------------------------------------------===//
// nputask.program
//===----------------------------------------------------------------------===//

LogicalResult ProgramOp::verifyRegions() {
  // The blob verifier is the program's: convert (without copying the
  // weights) and check.
  FailureOr<ExportedProgram> exported = exportProgram(*this, false);
  if (failed(exported))
    return failure();
  std::string error;
  if (exported->isTasksStage()) {
    if (!verifyTasksStage(*exported, error))
      return programError(*this)
             << "is not a valid tasks-stage program: " << error;
    return success();
  }
  if (!npu::blob::verifyProgram(exported->program, exported->weightsSize,
                                error))
    return programError(*this) << "is not a valid task program: " << error;
  // Code generation's programs are race free by construction
  // (TaskScheduler.h); an edited one must stay so.
  if (!npu::target::checkRaces(exported->program, error))
    return programError(*this) << "is not a valid task program: " << error;
  return success();
}
