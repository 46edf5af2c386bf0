//===- Diagnostics.cpp - Locations of imported ONNX nodes -----------------===//
//
// Builds and decodes the locations the importer gives ops, and prints
// diagnostics at such locations in a form that names the model file, the
// node and its operator.
//
//===----------------------------------------------------------------------===//

#include "npu/Import/ONNX/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

using namespace mlir;

namespace npu {

Location getONNXNodeLoc(MLIRContext *context, StringRef file, StringRef name,
                        StringRef opType) {
  Location fileLoc = FileLineColLoc::get(context, file, 0, 0);
  Location typed =
      FusedLoc::get(context, {fileLoc}, StringAttr::get(context, opType));
  return NameLoc::get(StringAttr::get(context, name), typed);
}

static std::optional<ONNXLocInfo> decodeFile(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    if (file.getLine() == 0 && file.getColumn() == 0)
      return ONNXLocInfo{file.getFilename().str(), "", ""};
  return std::nullopt;
}

std::optional<ONNXLocInfo> decodeONNXLoc(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    Location child = name.getChildLoc();
    if (auto fused = dyn_cast<FusedLoc>(child)) {
      auto opType = dyn_cast_if_present<StringAttr>(fused.getMetadata());
      if (opType && fused.getLocations().size() == 1)
        if (auto info = decodeFile(fused.getLocations().front())) {
          info->name = name.getName().str();
          info->opType = opType.str();
          return info;
        }
    }
    if (auto info = decodeFile(child)) {
      info->name = name.getName().str();
      return info;
    }
    return std::nullopt;
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return decodeONNXLoc(callSite.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    // Canonicalization fuses the locations of merged ops: report the first
    // one that came from the model.
    for (Location part : fused.getLocations())
      if (auto info = decodeONNXLoc(part))
        return info;
    return std::nullopt;
  }
  return decodeFile(loc);
}

static StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

static void printOne(raw_ostream &os, Location loc, DiagnosticSeverity severity,
                     StringRef message) {
  if (auto info = decodeONNXLoc(loc)) {
    os << info->file << ": ";
    if (!info->opType.empty())
      os << "node '" << info->name << "' (" << info->opType << "): ";
    else if (!info->name.empty())
      os << "'" << info->name << "': ";
  } else if (!isa<UnknownLoc>(loc)) {
    os << loc << ": ";
  }
  os << severityName(severity) << ": " << message << "\n";
}

void printONNXDiagnostic(raw_ostream &os, Diagnostic &diag) {
  printOne(os, diag.getLocation(), diag.getSeverity(), diag.str());
  for (Diagnostic &note : diag.getNotes())
    printOne(os, note.getLocation(), note.getSeverity(), note.str());
  os.flush();
}

ONNXDiagnosticHandler::ONNXDiagnosticHandler(MLIRContext *context,
                                             raw_ostream &os)
    : ScopedDiagnosticHandler(context) {
  setHandler([&os](Diagnostic &diag) {
    printONNXDiagnostic(os, diag);
    return success();
  });
}

} // namespace npu
