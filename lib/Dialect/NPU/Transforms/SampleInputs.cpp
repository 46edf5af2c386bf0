//===- SampleInputs.cpp - Calibration samples for a function --------------===//

#include "npu/Dialect/NPU/Transforms/SampleInputs.h"

#include "npu/Import/ONNX/Importer.h"
#include "npu/Interpreter/TensorConversion.h"

#include <filesystem>

using namespace mlir;

namespace npu {

namespace {

/// A few of `paths`, quoted: they say what was meant; a count says how
/// many.
std::string someNames(const std::vector<std::string> &paths) {
  constexpr size_t kNamed = 3;
  std::string names;
  for (size_t i = 0; i < paths.size() && i < kNamed; ++i)
    names += (i ? ", '" : "'") + paths[i] + "'";
  if (paths.size() > kNamed)
    names += ", ...";
  return names;
}

} // namespace

FailureOr<func::FuncOp> findModelFunction(ModuleOp module, StringRef pass) {
  SmallVector<func::FuncOp> funcs;
  for (auto f : module.getOps<func::FuncOp>())
    if (!f.isExternal())
      funcs.push_back(f);
  if (funcs.size() == 1)
    return funcs.front();
  for (func::FuncOp f : funcs)
    if (f.getSymName() == "main")
      return f;
  return emitError(module.getLoc())
         << pass
         << " needs a module with one function (or one named 'main'), found "
         << funcs.size();
}

FailureOr<std::vector<calib::InputInfo>> sampleInputsOf(func::FuncOp func,
                                                        StringRef pass) {
  std::vector<calib::InputInfo> inputs;
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    std::optional<DType> dtype =
        type ? dtypeForElementType(type.getElementType()) : std::nullopt;
    if (!type || !type.hasStaticShape() || !dtype)
      return emitError(arg.getLoc())
             << pass << " needs static tensor arguments, argument "
             << arg.getArgNumber() << " is " << arg.getType();
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kONNXNameAttr);
    inputs.push_back(
        {name ? name.str() : "arg" + std::to_string(arg.getArgNumber()), *dtype,
         std::vector<int64_t>(type.getShape().begin(), type.getShape().end())});
  }
  return inputs;
}

FailureOr<std::unique_ptr<calib::SampleSource>>
openSamples(func::FuncOp func, const std::vector<calib::InputInfo> &inputs,
            const std::string &dataDir, size_t generatedCount, bool warn,
            ArrayRef<std::string> toolFolders) {
  if (!dataDir.empty()) {
    std::string error;
    std::vector<std::string> ignored, ignoredFolders;
    std::unique_ptr<calib::SampleSource> source = calib::openSampleDirectory(
        dataDir, inputs, error, &ignored, &ignoredFolders);
    if (!source)
      return emitError(func.getLoc()) << error;
    // A tool's own folders there are its output, not the user's: left out
    // without a word (found by a review: npu-compare's second run with the
    // calibration folder as --output-dir named its ort/).
    llvm::erase_if(ignoredFolders, [&](const std::string &path) {
      return llvm::any_of(toolFolders, [&](const std::string &name) {
        return path == (std::filesystem::path(dataDir) / name).string();
      });
    });
    if (warn && !ignored.empty())
      emitWarning(func.getLoc())
          << "calibration data '" << dataDir << "': " << ignored.size()
          << " file(s) that are not samples left out (" << someNames(ignored)
          << (source->isPerInput()
                  ? "); in a sub-folder per input, samples are .npy files "
                    "(.npz archives are read from the folder itself only)"
                  : "); samples are .npy files or .npz archives");
    if (warn && !ignoredFolders.empty())
      emitWarning(func.getLoc())
          << "calibration data '" << dataDir << "': " << ignoredFolders.size()
          << " sub-folder(s) left out (" << someNames(ignoredFolders)
          << "); samples are the .npy files or .npz archives of the folder "
             "itself, or the .npy files of one sub-folder named after each "
             "input, none deeper";
    return source;
  }
  std::unique_ptr<calib::SampleSource> source =
      calib::makeGeneratedSource(inputs, generatedCount);
  if (warn)
    emitWarning(func.getLoc())
        << "no calibration data: " << source->numSamples()
        << " generated samples (standard normal, 8-bit integer inputs "
           "uniform); int8 accuracy is "
           "unvalidated (give calibration samples: npu-compile --calib-data "
           "DIR, or the pass option data=DIR)";
  return source;
}

} // namespace npu
