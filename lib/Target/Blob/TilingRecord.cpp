//===- TilingRecord.cpp - The tiled stage's record on DPU ops -------------===//

#include "npu/Target/Blob/TilingRecord.h"

#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Target/Blob/CmxResidency.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace npu::target {

namespace {
constexpr llvm::StringLiteral kKeys[] = {"rows", "channels", "slots",
                                         "weight_slots"};
constexpr llvm::StringLiteral kAllKeys =
    "rows, channels, slots, weight_slots, strategy, banded";

bool isDpuOp(Operation *op) { return isa<hw::DpuConvOp, hw::DpuEltwiseOp>(op); }
} // namespace

std::string tilingChoiceText(const DpuTilingChoice &c) {
  return "{rows = " + std::to_string(c.rows) +
         ", channels = " + std::to_string(c.channels) +
         ", slots = " + std::to_string(c.slots) +
         ", weight_slots = " + std::to_string(c.weightSlots) +
         (c.banded ? ", banded}" : "}");
}

void recordDpuTiling(Operation *op, const DpuTiling &tiling, uint32_t tiles) {
  Builder b(op->getContext());
  const DpuTilingChoice &c = tiling.choice;
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("rows", b.getI64IntegerAttr(c.rows)),
      b.getNamedAttr("channels", b.getI64IntegerAttr(c.channels)),
      b.getNamedAttr("slots", b.getI64IntegerAttr(c.slots)),
      b.getNamedAttr("weight_slots", b.getI64IntegerAttr(c.weightSlots)),
      b.getNamedAttr("strategy",
                     b.getStringAttr(tilingStrategy(tiling, tiles)))};
  if (c.banded)
    fields.push_back(b.getNamedAttr("banded", b.getUnitAttr()));
  op->setAttr(kTilingAttr, b.getDictionaryAttr(fields));
}

FailureOr<std::optional<DpuTilingChoice>> recordedTilingChoice(Operation *op) {
  Attribute attr = op->getAttr(kTilingAttr);
  if (!attr)
    return std::optional<DpuTilingChoice>();
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return op->emitOpError()
           << "'s '" << kTilingAttr
           << "' must be a dictionary {rows = N, channels = N, slots = N, "
              "weight_slots = N}";
  uint32_t values[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < 4; ++i) {
    Attribute v = dict.get(kKeys[i]);
    if (!v)
      return op->emitOpError() << "'s '" << kTilingAttr << "' has no '"
                               << kKeys[i] << "' (it needs rows, channels, "
                               << "slots and weight_slots)";
    auto n = dyn_cast<IntegerAttr>(v);
    if (!n)
      return op->emitOpError() << "'s '" << kTilingAttr << "' field '"
                               << kKeys[i] << "' must be an integer, not " << v;
    const APInt &value = n.getValue();
    bool isUnsigned = n.getType().isUnsignedInteger();
    bool negative = !isUnsigned && value.isNegative();
    if (negative || value.getActiveBits() > 32)
      return op->emitOpError()
             << "'s '" << kTilingAttr << "' field '" << kKeys[i] << "' = " << v
             << " is not in [0, 2^32)";
    values[i] = uint32_t(value.getZExtValue());
  }
  bool banded = false;
  for (NamedAttribute entry : dict) {
    StringRef key = entry.getName().strref();
    if (llvm::is_contained(kKeys, key))
      continue;
    if (key == "strategy") {
      if (!isa<StringAttr>(entry.getValue()))
        return op->emitOpError() << "'s '" << kTilingAttr
                                 << "' field 'strategy' must be a string";
      continue;
    }
    if (key == "banded") {
      if (!isa<UnitAttr>(entry.getValue()))
        return op->emitOpError()
               << "'s '" << kTilingAttr
               << "' field 'banded' is a unit entry (present: tiled by "
                  "bands; absent: not)";
      banded = true;
      continue;
    }
    return op->emitOpError()
           << "'s '" << kTilingAttr << "' has '" << key
           << "', which is not one of its fields (" << kAllKeys << ")";
  }
  return std::optional<DpuTilingChoice>(
      DpuTilingChoice{values[0], values[1], values[2], values[3], banded});
}

FailureOr<DpuTiling> tileDpuOp(Operation *op, const DpuOpGeometry &g,
                               const arch::HardwareDesc &hw,
                               const TilingOptions &opts, bool useRecord) {
  auto recorded = recordedTilingChoice(op);
  if (failed(recorded))
    return failure();
  DpuTiling tiling;
  std::string error;
  if (!*recorded || !useRecord || (*recorded)->banded != opts.banded) {
    if (!planDpuTiling(g, hw, opts, tiling, error))
      return op->emitOpError() << "cannot be tiled for CMX: " << error;
    return tiling;
  }
  const DpuTilingChoice &c = **recorded;
  bool overflow = false;
  if (!tileDpuAs(g, hw, opts, c, tiling, error, &overflow)) {
    InFlightDiagnostic d = op->emitOpError()
                           << "has the tiling " << tilingChoiceText(c)
                           << ", which cannot be used: " << error;
    if (overflow && opts.cmxBudget && opts.cmxBudget < hw.cmxUsableBytes)
      d << " (the CMX below the tensors kept there while it runs)";
    return d;
  }
  auto dict = cast<DictionaryAttr>(op->getAttr(kTilingAttr));
  if (auto strategy = dict.getAs<StringAttr>("strategy")) {
    StringRef actual =
        tilingStrategy(tiling, std::max<uint32_t>(opts.tiles, 1));
    if (strategy.getValue() != actual)
      return op->emitOpError()
             << "'s '" << kTilingAttr << "' says strategy \""
             << strategy.getValue() << "\" but its pieces are \"" << actual
             << "\" (the strategy follows from rows and channels: fix or "
                "remove it)";
  }
  return tiling;
}

FailureOr<const arch::HardwareDesc *> targetFor(ModuleOp module,
                                                unsigned tiles) {
  const arch::HardwareDesc *hw = getHardware(module);
  if (!hw)
    return failure();
  if (tiles > hw->numTiles)
    return emitError(module.getLoc()) << "asks for " << tiles << " tiles; the "
                                      << hw->name << " has " << hw->numTiles;
  return hw;
}

uint32_t tilesFor(func::FuncOp func, const arch::HardwareDesc &hw,
                  unsigned tiles) {
  if (tiles)
    return tiles;
  for (StringRef name : {kTilingTilesAttr, kCmxTilesAttr})
    if (auto recorded = func->getAttrOfType<IntegerAttr>(name))
      if (recorded.getType().isSignlessInteger() && recorded.getInt() >= 1 &&
          recorded.getInt() <= int64_t(hw.numTiles))
        return uint32_t(recorded.getInt());
  return hw.numTiles;
}

LogicalResult checkTilingTiles(func::FuncOp func, uint32_t tiles,
                               const arch::HardwareDesc &hw, StringRef pass) {
  Operation *firstRecord = nullptr;
  for (Operation &op : func.getBody().front()) {
    if (!op.hasAttr(kTilingAttr))
      continue;
    if (!isDpuOp(&op))
      return op.emitOpError() << "has an '" << kTilingAttr
                              << "' record, but only DPU ops (npuhw.dpu_conv, "
                                 "npuhw.dpu_eltwise) are tiled: remove it";
    if (!firstRecord)
      firstRecord = &op;
  }
  Attribute attr = func->getAttr(kTilingTilesAttr);
  if (!attr) {
    if (firstRecord)
      return firstRecord->emitOpError()
             << "has an '" << kTilingAttr << "' record but the function "
             << "has no '" << kTilingTilesAttr
             << "' (the tiles it was made for)";
    return success();
  }
  auto tilesAttr = dyn_cast<IntegerAttr>(attr);
  if (!tilesAttr || !tilesAttr.getType().isSignlessInteger())
    return emitError(func.getLoc())
           << "function '" << func.getSymName() << "' has '" << kTilingTilesAttr
           << " = " << attr
           << "', which must be an integer (the tiles its DPU tilings were "
              "made for)";
  int64_t recorded = tilesAttr.getInt();
  if (recorded != int64_t(tiles)) {
    InFlightDiagnostic d = emitError(func.getLoc())
                           << "function '" << func.getSymName()
                           << "' was tiled for " << recorded
                           << " tiles but is compiled for " << tiles
                           << " (tile it again with npu-tile tiles=" << tiles;
    if (recorded >= 1 && recorded <= int64_t(hw.numTiles))
      d << ", or give " << pass << " tiles=" << recorded;
    else
      d << "; the " << hw.name << " has 1 to " << hw.numTiles;
    return d << ")";
  }
  return success();
}

} // namespace npu::target
