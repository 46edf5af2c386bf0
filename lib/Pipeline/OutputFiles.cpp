//===- OutputFiles.cpp - The files a compile reads ------------------------===//

#include "npu/Pipeline/OutputFiles.h"

#include "npu/Calibration/DataSource.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Support/Files.h"

#include <algorithm>
#include <filesystem>

namespace npu {

namespace {
/// The sample files (.npy / .npz, not hidden) directly in `dir`, sorted.
std::vector<std::string> sampleFilesIn(const std::filesystem::path &dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto &e : std::filesystem::directory_iterator(dir, ec))
    if (!calib::isHiddenEntry(e.path()) && calib::isSampleFileName(e.path()))
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}
} // namespace

std::vector<NamedFile> compileInputFiles(const std::string &modelPath,
                                         const CompileOptions &options) {
  std::vector<NamedFile> reads = {
      {modelPath, "the input model"},
      {options.calibration.tableInputPath, "the --use-calib-table input"}};
  for (const auto &[name, path] : options.inputValueFiles)
    reads.push_back({path, "the --input-value file of '" + name + "'"});
  // The files the model keeps its tensors in (found by a fresh user: a
  // --calib-table over one replaced the model's weights). A model that
  // does not read is the import's to report. Only a regular file is read
  // for them: a pipe's bytes would be gone for the import (found by a fresh
  // user: a model from a FIFO hung, one from /dev/stdin was "empty").
  std::vector<std::string> external;
  std::string error;
  std::error_code regularEc;
  if (!modelPath.empty() && modelPath != "-" &&
      std::filesystem::is_regular_file(modelPath, regularEc) &&
      listExternalDataFiles(modelPath, options.import, external, error))
    for (std::string &f : external)
      reads.push_back({std::move(f), "an external data file of the model"});
  const std::string &calibDir = options.calibration.dataDir;
  std::error_code ec;
  if (calibDir.empty())
    return reads;
  if (!std::filesystem::is_directory(calibDir, ec)) {
    reads.push_back({calibDir, "a calibration sample"});
    return reads;
  }
  // The samples calibration reads, by its layouts (docs/calibration.md):
  // the files in the folder, else those of its sub-folders (a tool's own
  // output folder beside flat samples is not read: npu-compare's ort/ when
  // --output-dir is the calibration folder).
  std::vector<std::string> files = sampleFilesIn(calibDir);
  if (files.empty())
    for (const auto &e : std::filesystem::directory_iterator(calibDir, ec))
      if (!calib::isHiddenEntry(e.path()) && e.is_directory(ec))
        for (std::string &f : sampleFilesIn(e.path()))
          files.push_back(std::move(f));
  for (std::string &f : files)
    reads.push_back({std::move(f), "a calibration sample"});
  return reads;
}

std::vector<NamedFile> compileOutputFiles(const CompileOptions &options) {
  return {{isCalibrated(options.precision) ? options.calibration.tableOutputPath
                                           : std::string(),
           "the --calib-table file"},
          {options.precision == Precision::Mixed ? options.precisionReportPath
                                                 : std::string(),
           "the --precision-report file"}};
}

std::vector<NamedFile> stageDumpFiles(const CompileOptions &options,
                                      std::optional<Stage> last) {
  std::vector<NamedFile> files;
  if (options.dumpDir.empty())
    return files;
  Stage end = std::min(last.value_or(options.compileTo), Stage::Addressed);
  auto add = [&](const std::filesystem::path &dir, Precision precision,
                 const std::string &what) {
    for (int s = int(Stage::Origin); s <= int(end); ++s) {
      auto stage = Stage(s);
      if (!stageExists(stage, precision))
        continue;
      std::string name = stageName(stage, precision).str();
      files.push_back(
          {(dir / (name + ".mlir")).string(),
           "the --dump-stages file of the '" + name + "' stage" + what});
    }
  };
  add(options.dumpDir, options.precision, "");
  // --fp16-if-faster compiles every layer in fp16 too, dumped in fp16/.
  if (options.precision == Precision::Mixed && options.fp16IfFaster &&
      end == Stage::Addressed)
    add(std::filesystem::path(options.dumpDir) / "fp16", Precision::Fp16,
        " of --fp16-if-faster");
  return files;
}

} // namespace npu
