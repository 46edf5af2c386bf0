//===- TilingRecord.cpp - The tiled stage's record on DPU ops -------------===//

#include "npu/Target/Blob/TilingRecord.h"

#include "npu/Dialect/NPU/IR/Target.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace npu::target {

namespace {
constexpr llvm::StringLiteral kKeys[] = {"rows", "channels", "slots",
                                         "weight_slots"};
} // namespace

std::string tilingChoiceText(const DpuTilingChoice &c) {
  return "{rows = " + std::to_string(c.rows) +
         ", channels = " + std::to_string(c.channels) +
         ", slots = " + std::to_string(c.slots) +
         ", weight_slots = " + std::to_string(c.weightSlots) + "}";
}

void recordDpuTiling(Operation *op, const DpuTiling &tiling, uint32_t tiles) {
  Builder b(op->getContext());
  const DpuTilingChoice &c = tiling.choice;
  NamedAttribute fields[] = {
      b.getNamedAttr("rows", b.getI64IntegerAttr(c.rows)),
      b.getNamedAttr("channels", b.getI64IntegerAttr(c.channels)),
      b.getNamedAttr("slots", b.getI64IntegerAttr(c.slots)),
      b.getNamedAttr("weight_slots", b.getI64IntegerAttr(c.weightSlots)),
      b.getNamedAttr("strategy",
                     b.getStringAttr(tilingStrategy(tiling, tiles)))};
  op->setAttr(kTilingAttr, b.getDictionaryAttr(fields));
}

FailureOr<std::optional<DpuTilingChoice>> recordedTilingChoice(Operation *op) {
  Attribute attr = op->getAttr(kTilingAttr);
  if (!attr)
    return std::optional<DpuTilingChoice>();
  auto malformed = [&]() {
    return op->emitOpError()
           << "'s '" << kTilingAttr
           << "' must be {rows = N, channels = N, slots = N, weight_slots = "
              "N} (non-negative integers, plus an optional strategy string)";
  };
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return malformed();
  uint32_t values[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < 4; ++i) {
    auto v = dict.getAs<IntegerAttr>(kKeys[i]);
    if (!v || !(v.getType().isSignlessInteger() || v.getType().isIndex()))
      return malformed();
    int64_t n = v.getInt();
    if (n < 0 || n > int64_t(UINT32_MAX))
      return malformed();
    values[i] = uint32_t(n);
  }
  for (NamedAttribute entry : dict) {
    StringRef key = entry.getName().strref();
    if (llvm::is_contained(kKeys, key))
      continue;
    if (key == "strategy" && isa<StringAttr>(entry.getValue()))
      continue;
    return op->emitOpError() << "'s '" << kTilingAttr << "' has '" << key
                             << "', which is not a tiling field (rows, "
                                "channels, slots, weight_slots, strategy)";
  }
  return std::optional<DpuTilingChoice>(
      DpuTilingChoice{values[0], values[1], values[2], values[3]});
}

FailureOr<DpuTiling> tileDpuOp(Operation *op, const DpuOpGeometry &g,
                               const arch::HardwareDesc &hw,
                               const TilingOptions &opts, bool useRecord) {
  auto recorded = recordedTilingChoice(op);
  if (failed(recorded))
    return failure();
  DpuTiling tiling;
  std::string error;
  if (!*recorded || !useRecord) {
    if (!planDpuTiling(g, hw, opts, tiling, error))
      return op->emitOpError() << "cannot be tiled for CMX: " << error;
    return tiling;
  }
  const DpuTilingChoice &c = **recorded;
  if (!tileDpuAs(g, hw, opts, c, tiling, error)) {
    InFlightDiagnostic d = op->emitOpError()
                           << "has the tiling " << tilingChoiceText(c)
                           << ", which cannot be used: " << error;
    if (opts.cmxBudget && opts.cmxBudget < hw.cmxUsableBytes)
      d << " (below the tensors kept in CMX while it runs)";
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

FailureOr<std::pair<const arch::HardwareDesc *, uint32_t>>
targetTiles(ModuleOp module, unsigned tiles) {
  const arch::HardwareDesc *hw = getHardware(module);
  if (!hw)
    return failure();
  if (tiles > hw->numTiles)
    return module.emitError() << "asks for " << tiles << " tiles; the "
                              << hw->name << " has " << hw->numTiles;
  return std::make_pair(hw, tiles ? uint32_t(tiles) : hw->numTiles);
}

LogicalResult checkTilingTiles(func::FuncOp func, uint32_t tiles) {
  auto tilesAttr = func->getAttrOfType<IntegerAttr>(kTilingTilesAttr);
  if (!tilesAttr) {
    for (Operation &op : func.getBody().front())
      if (op.hasAttr(kTilingAttr))
        return op.emitOpError()
               << "has an '" << kTilingAttr << "' record but the function "
               << "has no '" << kTilingTilesAttr
               << "' (the tiles it was made for)";
    return success();
  }
  if (tilesAttr.getInt() != int64_t(tiles))
    return emitError(func.getLoc())
           << "function '" << func.getSymName() << "' was tiled for "
           << tilesAttr.getInt() << " tiles but is compiled for " << tiles
           << " (tile it again with npu-tile tiles=" << tiles
           << ", or compile for " << tilesAttr.getInt()
           << " tiles: npu-generate-tasks tiles=" << tilesAttr.getInt() << ")";
  return success();
}

} // namespace npu::target
