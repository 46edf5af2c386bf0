//===- CopyElision.h - Transposes and slices copied where they are read --===//
//
// A transpose or slice (npu.transpose, npu.slice) whose result only
// concats and DPU ops' loads read -- through reshapes, and through other
// such ops -- needs no copy of its own: each concat operand it feeds is
// copied once, from the bytes its chain starts at, with the chain's strides
// composed, and each DPU op reading it (a convolution's input or weights,
// an eltwise op's inputs) loads its pieces into CMX straight from those
// bytes (EmitDpu.cpp). The stem of a CNN compiled as space-to-depth
// (docs/lowering.md) is such a chain: the transposed input's 12 channels
// and its 4 padding channels (a slice of them) go straight into the
// 16-channel tensor instead of through two intermediate tensors; so is
// attention's per-head slice of Q, K or V, loaded as a matmul's input or
// weights straight from the projection's result. The elided ops' results
// get no buffer; a use of one counts as a use of the values it is a view
// of (BufferAssignment.h).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_COPYELISION_H
#define NPU_TARGET_BLOB_COPYELISION_H

#include "mlir/IR/Block.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace npu::target {

/// The elements of a tensor value as a strided view of another value's
/// bytes (row-major order of `shape`).
struct StridedView {
  mlir::Value base;    ///< Neither a reshape's result nor an elided op's.
  uint64_t offset = 0; ///< Bytes from the first byte of `base`.
  uint64_t elemBytes = 1;
  std::vector<uint64_t> shape;
  std::vector<uint64_t> strides; ///< Bytes, one per dimension of `shape`.
};

/// `v` as a view of the first value up its chain of reshapes and ops of
/// `elided` (transposes and slices); nullopt when a reshape of a strided
/// view is not itself a strided view (merged dimensions that are not
/// contiguous), or `v` is not a static tensor of a device type.
std::optional<StridedView>
composedView(mlir::Value v, const llvm::DenseSet<mlir::Operation *> &elided);

/// The copy of operand `index` of `concat` into its result: from `src`
/// (through the elided ops of its chain) to the result's bytes at
/// `dstOffset` with `dstStrides`, both seen with `src.shape`. That is the
/// operand's shape, or, when the operand is a reshape that strides cannot
/// express over its input's view (a transposed space-to-depth's channels,
/// [H, W, 2, 2, C] seen as [H, W, 4C]), its input's shape, with the
/// destination, which is contiguous along the concat's axis, seen so
/// instead. nullopt when neither works.
struct ConcatCopy {
  StridedView src;
  uint64_t dstOffset = 0;
  std::vector<uint64_t> dstStrides;
};
std::optional<ConcatCopy>
concatOperandCopy(mlir::Operation *concat, unsigned index,
                  const llvm::DenseSet<mlir::Operation *> &elided);

/// The transposes and slices of `body` that need no copy (above), nor
/// those whose elements are contiguous in the bytes they are a view of and
/// which SHAVE ops read (an LSTM cell's gates, slices of one projection:
/// each kernel reads its gate at an offset of the projection's bytes).
/// None of them reads, through its chain, a value of `cmxOnly` (which has
/// no DDR bytes to copy from); slices with a step <= 0 are never elided,
/// nor ops any of whose readers needs the bytes in a dense buffer of their
/// own (a SHAVE op reading a non-contiguous view, a function result) or
/// takes a view strides cannot express.
llvm::DenseSet<mlir::Operation *>
findElidedCopies(mlir::Block &body, const llvm::DenseSet<mlir::Value> &cmxOnly);

/// The SHAVE ops of `body` that write straight into the concats reading
/// them: an elementwise kernel (arch::isElementwiseKernel) of one input of
/// its output's shape, whose result only concats read (through reshapes and
/// ops of `elided`, as above), and whose input has bytes of its own (not a
/// value of `cmxOnly`, nor a view of an elided op's result). Each concat
/// operand such an op feeds is computed by the kernel from the op's input,
/// seen through the operand's composed view, straight into the concat's
/// result (a space-to-depth stem's quantize into the 16-channel tensor,
/// docs/codegen.md): the op emits nothing and its result gets no buffer
/// (a use of it counts as a use of its input, as for `elided`). Not an op
/// that feeds several concat operands and whose input a SHAVE op computes:
/// it runs once, chained with that op, and the concats copy its result --
/// unless `intoEachConcat` (kShaveIntoEachConcatAttr).
llvm::DenseSet<mlir::Operation *> findShaveOpsIntoConcats(
    mlir::Block &body, const llvm::DenseSet<mlir::Operation *> &elided,
    const llvm::DenseSet<mlir::Value> &cmxOnly, bool intoEachConcat = false);

/// Of the concats whose operands `intoConcats`' SHAVE ops compute (see
/// findShaveOpsIntoConcats), those a dense convolution alone reads as its
/// [H, W, C] input, kept in DDR (not in `cmxOnly`), where every operand is
/// a band of whole rows: its region of the result starts in row 0 and its
/// view's outermost dimension is the rows. Their SHAVE ops run per DPU
/// piece, on the piece's tile, straight into the piece's input in CMX
/// (emitShavePrologue): no bytes in DDR and no DMA (a space-to-depth
/// stem's quantize of a float graph input). Result -> concat.
llvm::DenseMap<mlir::Value, mlir::Operation *>
findShavePrologues(mlir::Block &body,
                   const llvm::DenseSet<mlir::Operation *> &elided,
                   const llvm::DenseSet<mlir::Operation *> &intoConcats,
                   const llvm::DenseSet<mlir::Value> &cmxOnly);

/// Where a DPU op stores a result straight into a concat's result.
struct ConcatSlot {
  mlir::Value concat;  ///< The concat's result (it has bytes in DDR).
  uint64_t offset = 0; ///< Bytes from the first byte of `concat`.
  /// Bytes, one per dimension of the stored value ([H, W, C]).
  std::vector<uint64_t> strides;
};

/// Of `stored` (what DPU ops store: each one's result, or its SHAVE
/// epilogue's), those that one concat alone reads, through reshapes only,
/// where the operand's region of the concat's result seen with the stored
/// value's shape is a strided view (always so for a concat whose operands
/// are [H, W, C] slabs along any axis): the DPU op's pieces store their
/// output rows there, and the concat copies nothing for that operand. Not
/// values of `cmxOnly` (kept in CMX), nor a value read by anything else (a
/// SHAVE op, a DPU op, a function result), which needs bytes of its own.
llvm::DenseMap<mlir::Value, ConcatSlot>
findDpuResultsIntoConcats(llvm::ArrayRef<mlir::Value> stored,
                          const llvm::DenseSet<mlir::Operation *> &elided,
                          const llvm::DenseSet<mlir::Value> &cmxOnly);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_COPYELISION_H
