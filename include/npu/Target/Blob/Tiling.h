//===- Tiling.h - Splitting DPU ops into pieces that fit CMX ----*- C++ -*-===//
//
// The tiling decision of code generation, as plain data: a DPU op (conv,
// depthwise, pools, eltwise on whole [H, W, C] tensors) is split over its
// output rows and, when the weights do not fit, over its output channels
// (multiples of 16) into pieces whose input rows (with halo), weights,
// weight table and output fit one tile's usable CMX. Pieces are spread over
// the tiles in use, a contiguous run of pieces per tile. Every piece of an op
// uses the same CMX layout on its tile (sized for the largest piece).
// Plain C++; the `tiled` stage records the choice on each op
// (TilingRecord.h) and code generation follows the record.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_TILING_H
#define NPU_TARGET_BLOB_TILING_H

#include "npu/Arch/Hardware.h"
#include "npu/Blob/Program.h"
#include "npu/Target/Blob/Workloads.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npu::target {

/// The geometry of a whole DPU op.
struct DpuOpGeometry {
  blob::DpuOp op = blob::DpuOp::Conv;
  uint32_t H = 1, W = 1, C = 16;   ///< Input.
  uint32_t OH = 1, OW = 1, K = 16; ///< Output.
  uint32_t kh = 1, kw = 1, sh = 1, sw = 1;
  uint32_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  uint32_t inElemBytes = 1, outElemBytes = 1, weightElemBytes = 1;

  bool hasWeights() const {
    return op == blob::DpuOp::Conv || op == blob::DpuOp::DepthwiseConv;
  }
  /// Ops whose input channels are their output channels (a channel slice
  /// of the output reads the same channel slice of the input).
  bool keepsChannels() const { return op != blob::DpuOp::Conv; }
  bool isEltwise() const {
    return op == blob::DpuOp::EltwiseAdd || op == blob::DpuOp::EltwiseSub;
  }
  /// A 1x1, stride-1 convolution without horizontal padding: each output
  /// row's pixels come from the same input row's, one by one, so a piece's
  /// pixels may be computed in any [h, w] (flatPixelShapes, Workloads.h).
  bool isPointwiseConv() const {
    return op == blob::DpuOp::Conv && kh == 1 && kw == 1 && sh == 1 &&
           sw == 1 && !padLeft && !padRight && W == OW;
  }
  /// Weight bytes of one output channel: kh * kw * (C or 1) elements.
  uint64_t weightBytesPerChannel() const {
    return uint64_t(kh) * kw * (op == blob::DpuOp::Conv ? C : 1) *
           weightElemBytes;
  }
};

/// One piece: output rows [outRow, outRow + outRows) x channels
/// [k0, k0 + kc), computed on `tile` from input rows
/// [inRow, inRow + inRows) with the given vertical padding.
struct DpuPiece {
  uint32_t tile = 0;
  uint32_t outRow = 0, outRows = 0;
  uint32_t k0 = 0, kc = 0;
  uint32_t inRow = 0, inRows = 0;
  uint32_t padTop = 0, padBottom = 0;
  /// Input channels loaded: [c0, c0 + cin).
  uint32_t c0 = 0, cin = 0;
};

/// Offsets within a tile's CMX (64-byte aligned) of the piece buffers.
/// With two slots (double buffering) consecutive pieces of a tile
/// alternate between two input and two output buffers, so that the next
/// piece's input loads and the previous piece's output stores overlap the
/// DPU task. With two weight slots (a double-buffered op whose tiles work
/// on more than one channel slice) a tile loads its next weights slice and
/// table into the slot its current piece does not read, so that the load
/// overlaps the DPU task too; otherwise the weights and table are shared.
/// Weight slot s is [weights[s], table[s] + tableSize).
struct CmxLayout {
  uint32_t slots = 1, weightSlots = 1;
  uint64_t input[2] = {0, 0}, input2[2] = {0, 0}, output[2] = {0, 0};
  uint64_t weights[2] = {0, 0}, table[2] = {0, 0};
  /// Bytes of one buffer; 0 for an operand that is resident (read or
  /// written in place) or absent.
  uint64_t inputSize = 0, input2Size = 0, weightsSize = 0, tableSize = 0,
           outputSize = 0;
  uint64_t total = 0;
};

/// What a tiling chooses, the rest following from it and the options:
/// pieces of `rows` output rows (the last of each run may be shorter) x
/// `channels` output channels (a multiple of 16; the last slice may be
/// narrower), `slots` input / output buffers (2: double buffered) and
/// `weightSlots` weight slots (2 only when double buffered, with weights, and
/// some tile goes through more than one channel slice).
struct DpuTilingChoice {
  uint32_t rows = 1, channels = 16, slots = 1, weightSlots = 1;
  /// Made for tiling by bands (TilingOptions::banded): `rows` then counts
  /// within each tile's band. A choice applies only to the same banding.
  bool banded = false;

  bool operator==(const DpuTilingChoice &o) const {
    return rows == o.rows && channels == o.channels && slots == o.slots &&
           weightSlots == o.weightSlots && banded == o.banded;
  }
  bool operator!=(const DpuTilingChoice &o) const { return !(*this == o); }
};

struct DpuTiling {
  DpuTilingChoice choice;
  uint32_t rowPieces = 1, channelPieces = 1;
  std::vector<DpuPiece> pieces; ///< Channel slice outer, rows inner.
  CmxLayout layout;
  uint64_t estimatedCycles = 0; ///< The cost the choice minimised.
};

struct TilingOptions {
  uint32_t tiles = 1;         ///< Tiles in use (0 .. tiles-1).
  uint32_t maxPieceRows = 0;  ///< 0: no limit.
  uint64_t cmxAlignment = 64; ///< Allocation alignment of piece buffers.
  /// Bytes of CMX per tile the pieces' buffers may use, from offset 0;
  /// 0: the platform's usable CMX.
  uint64_t cmxBudget = 0;
  /// Operands that stay in CMX (CmxResidency.h): a resident input is read
  /// in place by the DPU (no input buffer, no load); a resident output is
  /// written in place and copied CMX to CMX into the other tiles' copies.
  bool inputResident = false, input2Resident = false, outputResident = false;
  /// Some operand is held banded (CmxResidency.h): tile t computes exactly
  /// the output rows of band t (bandBegin), all channel slices, and a
  /// banded output is written in place with no copies.
  bool banded = false;
  bool outputBanded = false;
  /// Cycles of each tile's first weights slice the estimate takes as loaded
  /// before the op starts (the prefetch during the op before).
  uint64_t firstWeightsCredit = 0;
};

/// The first row of band `t` when `rows` rows are split over `tiles` tiles:
/// floor(t * rows / tiles); band t is [bandBegin(t), bandBegin(t + 1)).
inline uint32_t bandBegin(uint32_t t, uint32_t rows, uint32_t tiles) {
  return uint32_t(uint64_t(t) * rows / (tiles ? tiles : 1));
}

/// The input rows and vertical padding that output rows
/// [outRow, outRow + outRows) need.
void inputRowsFor(const DpuOpGeometry &g, uint32_t outRow, uint32_t outRows,
                  uint32_t &inRow, uint32_t &inRows, uint32_t &padTop,
                  uint32_t &padBottom);

/// The workload-planning shape of a piece of `outRows` rows and `kc`
/// output channels.
DpuTaskShape pieceTaskShape(const DpuOpGeometry &g, uint32_t outRows,
                            uint32_t kc);

/// The most channel slices one tile's run of pieces `ps` goes through (a
/// slice counts again each time a tile comes back to it): 1 when every tile
/// keeps one weights slice.
uint32_t slicesPerTile(const std::vector<DpuPiece> &ps, uint32_t tiles);

/// Whether planDpuTiling would find a split that fits (without estimating
/// any).
bool dpuTilingFits(const DpuOpGeometry &g, const arch::HardwareDesc &hw,
                   const TilingOptions &opts);

/// Chooses the split and the buffering (one or two slots) with the lowest
/// estimated time (per tile: its DMAs and DPU tasks, overlapped when double
/// buffered; the DMA ports shared by all tiles) among those that fit CMX. Fails
/// with `error` when even one output row of 16 channels does not fit.
bool planDpuTiling(const DpuOpGeometry &g, const arch::HardwareDesc &hw,
                   const TilingOptions &opts, DpuTiling &out,
                   std::string &error);

/// The tiling `choice` makes of `g` under `opts`, as planDpuTiling would
/// build it had it chosen so. Fails with `error` (a sentence about the
/// choice, without the op) when the choice is out of range (rows outside
/// [1, OH] or above opts.maxPieceRows, channels not a multiple of 16 in
/// [16, K rounded up to 16], slots not 1 or 2, two weight slots where
/// planDpuTiling never uses them), was made for other banding than
/// opts.banded, or its buffers pass the CMX budget (then `*overflow`, if
/// given, is set).
bool tileDpuAs(const DpuOpGeometry &g, const arch::HardwareDesc &hw,
               const TilingOptions &opts, const DpuTilingChoice &choice,
               DpuTiling &out, std::string &error, bool *overflow = nullptr);

/// How `tiling` spreads its op over `tiles` tiles, in the field's terms:
/// "one tile", "split over H" (every tile computes every channel of its
/// rows; by bands when banded), "split over K" (each channel slice on one
/// tile, all its rows) or "split over H and K".
const char *tilingStrategy(const DpuTiling &tiling, uint32_t tiles);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_TILING_H
