//===- Program.h - The content of a blob as plain C++ ----------*- C++ -*-===//
//
// What a blob describes, decoupled from its serialisation: graph arguments,
// memory plan, buffers, barriers and the per-engine task lists. The writer
// serialises a Program (BlobWriter.h), the reader verifies a blob and decodes
// it back into one (BlobReader.h), and the simulator executes one. Every
// field is documented in docs/blob-format.md.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_PROGRAM_H
#define NPU_BLOB_PROGRAM_H

#include "npu/Arch/Hardware.h"
#include "npu/Arch/PostProcess.h"
#include "npu/Arch/ShaveKernels.h"
#include "npu/Support/HostTensor.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace npu::blob {

/// Memory spaces a buffer can live in.
enum class MemSpace : uint8_t {
  Input = 0,   ///< A graph input argument (read only), index = argument.
  Output = 1,  ///< A graph output argument, index = argument.
  Scratch = 2, ///< The DDR scratch area of one inference.
  Weights = 3, ///< The blob's weights section (read only).
  Cmx = 4,     ///< The CMX of tile `index`.
};
const char *memSpaceName(MemSpace s);

/// Layout of a graph argument (informational: data is always dense
/// row-major in the order of `shape`).
enum class Layout : uint8_t { ND = 0, NCHW = 1, NHWC = 2 };
const char *layoutName(Layout l);

enum class Engine : uint8_t { Dma = 0, Dpu = 1, Shave = 2 };
const char *engineName(Engine e);

enum class DpuOp : uint8_t {
  Conv = 0,
  DepthwiseConv = 1,
  MaxPool = 2,
  AvgPool = 3,
  EltwiseAdd = 4,
  EltwiseSub = 5,
};
const char *dpuOpName(DpuOp op);

/// Per-tensor or per-axis quantization of a graph argument.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints;
  int32_t axis = -1; ///< -1: per tensor.
  bool operator==(const QuantParams &o) const;
};

/// A graph argument.
struct TensorDesc {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  Layout layout = Layout::ND;
  QuantParams quant;
  uint64_t byteSize() const;
  bool operator==(const TensorDesc &o) const;
};

/// A region of a memory space that tasks may touch. A task may only access
/// bytes of the buffers its operands name.
struct Buffer {
  std::string name;
  MemSpace space = MemSpace::Cmx;
  uint32_t index = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  bool operator==(const Buffer &o) const;
};

/// A strided view inside a buffer. Strides are in bytes, outermost first.
struct TensorRef {
  uint32_t buffer = 0;
  uint64_t offset = 0; ///< Byte offset of element 0 within the buffer.
  DType dtype = DType::I8;
  std::vector<uint32_t> shape;
  std::vector<uint64_t> strides;

  /// A dense row-major view.
  static TensorRef dense(uint32_t buffer, uint64_t offset, DType dtype,
                         std::vector<uint32_t> shape);
  uint64_t numElements() const;
  /// One past the last byte touched, relative to the buffer (0 if empty).
  /// Saturates at UINT64_MAX instead of overflowing.
  uint64_t extent() const;
  bool isDense() const;
  bool operator==(const TensorRef &o) const;
};

struct DmaTask {
  TensorRef src;
  TensorRef dst;
  bool operator==(const DmaTask &o) const;
};

/// One DPU variant: the output box [x, x+width) x [y, y+height) x
/// [k, k+channels) computed with an MPE mode.
struct Workload {
  uint32_t x = 0, y = 0, k = 0;
  uint32_t width = 0, height = 0, channels = 0;
  arch::MpeMode mpeMode = arch::MpeMode::Cuboid16x16;
  bool operator==(const Workload &o) const;
};

/// Post-processing of a DPU task. Per-channel multiplier/shift/bias come
/// from the weight table when the task has one; pools and eltwise use the
/// scalar fields.
struct PostProcess {
  arch::Activation activation = arch::Activation::None;
  int32_t leakyMult = 0;
  uint8_t leakyShift = 0;
  float leakyAlpha = 0.0f;
  int32_t outZeroPoint = 0;
  int32_t clampLow = INT32_MIN;
  int32_t clampHigh = INT32_MAX;
  float fclampLow = -INFINITY;
  float fclampHigh = INFINITY;
  uint32_t mult = 1;
  uint8_t shift = 0;
  float scale = 1.0f;
  int32_t bias = 0;
  float fbias = 0.0f;
  bool operator==(const PostProcess &o) const;
};

/// A DPU task ("invariant") and its workloads ("variants").
/// Tensors are HWC ([H, W, C], channels innermost) in the CMX of the tile
/// whose task list holds the task. Weights are read per output channel at
/// `weights` + the weight table's byte offset: [kh][kw][C] for Conv,
/// [kh][kw] for DepthwiseConv. The weight table is [K][4] int32:
/// {weights byte offset, sparsity (-1), requant, bias}; see
/// docs/blob-format.md.
struct DpuTask {
  DpuOp op = DpuOp::Conv;
  TensorRef input;
  std::optional<TensorRef> input2;      ///< Eltwise only.
  std::optional<TensorRef> weights;     ///< Conv, DepthwiseConv.
  std::optional<TensorRef> weightTable; ///< Conv, DepthwiseConv.
  TensorRef output;
  uint8_t kernelH = 1, kernelW = 1;
  uint8_t strideH = 1, strideW = 1;
  uint8_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int32_t inZeroPoint = 0;
  int32_t in2ZeroPoint = 0;
  int32_t inMultA = 1; ///< Eltwise: acc = (a-zpA)*multA +/- (b-zpB)*multB.
  int32_t inMultB = 1;
  PostProcess ppe;
  std::vector<Workload> workloads;
  bool operator==(const DpuTask &o) const;
};

struct ShaveTask {
  arch::ShaveKernel kernel = arch::ShaveKernel::Exp;
  std::vector<TensorRef> inputs;
  std::vector<TensorRef> outputs;
  std::vector<float> fparams;
  std::vector<int64_t> iparams;
  /// Kernels that run after this one, in order, in the same launch (a SHAVE
  /// chain, format 1.2): each reads and writes as it would as a task of its
  /// own, and the kernel launch is paid once (arch::shaveChainCycles). Only
  /// a task's own ShaveTask has them; a chained kernel has none.
  std::vector<ShaveTask> chained;
  bool operator==(const ShaveTask &o) const;
  /// The element count of the kernel's dominant loop, which the cycle model
  /// charges per vector: the multiply-accumulates (batch * M * N * K) for
  /// matmul; the indices' and the output's elements for gather,
  /// gather_elements and gather_nd (only the gathered data is read); for every
  /// other kernel, the larger of all inputs' and all outputs' elements.
  uint64_t workElements() const;
  /// Bytes of the elements its vector loop works on, which set the lanes of
  /// a vector (8 fp16, 4 fp32): the wider of its first input's and its
  /// first output's (a conversion from fp32 to fp16 or int8 works on fp32
  /// data as much as one to fp32 does; found by a review: one direction
  /// cost half the other).
  uint32_t vectorElementBytes() const;
};

/// A task: which of dma / dpu / shave is meaningful is given by `kind`,
/// which must match the engine of the task list that holds it.
struct Task {
  std::string name;
  Engine kind = Engine::Dma;
  std::vector<uint32_t> waitBarriers;
  std::vector<uint32_t> updateBarriers;
  DmaTask dma;
  DpuTask dpu;
  ShaveTask shave;
  bool operator==(const Task &o) const;
};

/// A barrier is released when `producerCount` tasks that update it have
/// finished; `consumerCount` tasks wait for it.
struct Barrier {
  uint32_t producerCount = 0;
  uint32_t consumerCount = 0;
  bool operator==(const Barrier &o) const;
};

/// One engine's in-order queue: DMA port `index`, DPU of tile `index`, or
/// SHAVE `index` = tile * shavesPerTile + shave.
struct TaskList {
  Engine engine = Engine::Dma;
  uint32_t index = 0;
  std::vector<Task> tasks;
  bool operator==(const TaskList &o) const;
};

struct MemoryPlan {
  uint64_t scratchSize = 0;      ///< DDR scratch bytes per inference.
  std::vector<uint64_t> cmxUsed; ///< Per tile: CMX bytes the blob uses.
  bool operator==(const MemoryPlan &o) const;
};

/// A state variable: before each inference the runtime feeds the
/// variable's value to graph input `input`, after it reads the next value
/// from graph output `output` (same dtype, shape and quantization).
struct StateVar {
  std::string name;
  uint32_t input = 0;
  uint32_t output = 0;
  bool operator==(const StateVar &o) const;
};

struct Program {
  arch::Platform platform = arch::Platform::NPU3720;
  std::string compilerVersion;
  uint64_t optionsHash = 0;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  MemoryPlan memory;
  std::vector<Buffer> buffers;
  std::vector<Barrier> barriers;
  std::vector<TaskList> taskLists;
  /// Empty for a model without state (the field is then not written).
  std::vector<StateVar> states;
  bool operator==(const Program &o) const;
};

/// Number of tasks of every list.
uint64_t countTasks(const Program &p);

} // namespace npu::blob

#endif // NPU_BLOB_PROGRAM_H
