//===- DataSource.h - Calibration inputs from disk or generated -*- C++ -*-===//
//
// Where calibration samples come from. A directory holds them in one of
// three layouts (docs/calibration.md):
//   - `.npy` files directly: one sample per file (single-input models);
//   - one sub-folder per input name with `.npy` files, samples matched by
//     file name order (every folder has the same number of files);
//   - `.npz` archives: one sample per archive, members named after the
//     inputs (`numpy.savez(path, x=..., y=...)`).
// Files are taken in lexicographic order of their names. Samples are loaded
// one at a time, so memory does not grow with their number. Without data,
// a generated source gives deterministic standard-normal samples.
// Plain C++; errors are messages naming the input, the file and the shapes.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_CALIBRATION_DATASOURCE_H
#define NPU_CALIBRATION_DATASOURCE_H

#include "npu/Support/HostTensor.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace npu::calib {

/// A model input: its name, element type and static shape.
struct InputInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

class SampleSource {
public:
  virtual ~SampleSource();
  virtual size_t numSamples() const = 0;
  /// True for generated (not user-provided) samples.
  virtual bool isGenerated() const { return false; }
  /// True for samples in one sub-folder per input (.npy files only).
  virtual bool isPerInput() const { return false; }
  /// "8 from DIR (npz)", "8 generated (seed 0)", for the table header.
  virtual std::string describe() const = 0;
  /// Sample `index` as messages name it: its file(s), or "generated sample
  /// N".
  virtual std::string sampleName(size_t index) const = 0;
  /// Loads sample `index` (< numSamples()): one tensor per input, in input
  /// order, each checked against the input's shape and dtype.
  virtual bool load(size_t index, std::vector<HostTensor> &tensors,
                    std::string &error) = 0;
};

/// The files calibration reads from a directory of samples, whatever the
/// model's inputs: what openSampleDirectory opens, and what the compile
/// cache's key hashes (so the two cannot differ).
struct SampleDirectoryFiles {
  /// The .npy files and .npz archives of the folder itself (paths under
  /// it, as given), sorted.
  std::vector<std::string> npy, npz;
  /// Its sub-folders (or links to folders), not hidden, by name, sorted.
  std::vector<std::string> folders;
  /// With no samples in the folder itself (one sub-folder per input): the
  /// .npy files of each of `folders`, in its order, paths under the folder
  /// as given (through a link to a folder, not its target); else empty.
  std::vector<std::vector<std::string>> folderNpy;
  bool perInput() const { return npy.empty() && npz.empty(); }
};
SampleDirectoryFiles listSampleDirectory(const std::string &dir);

/// Opens a directory of samples for `inputs`, detecting its layout. Errors
/// (missing folder, no samples, unknown members, different sample counts
/// per input) return null with `error` set. `ignored`, when given, receives
/// the paths of the files of `dir` and of the sub-folders read that are not
/// samples (not .npy / .npz, not hidden; in a sub-folder, .npz too), sorted.
/// `ignoredFolders`, when given, receives the paths of the folders not read
/// (not hidden): with samples directly in `dir`, its sub-folders; with one
/// sub-folder per input, theirs. Sorted.
std::unique_ptr<SampleSource>
openSampleDirectory(const std::string &dir,
                    const std::vector<InputInfo> &inputs, std::string &error,
                    std::vector<std::string> *ignored = nullptr,
                    std::vector<std::string> *ignoredFolders = nullptr);

/// `count` samples: floats standard normal, integers 0, booleans false;
/// a fixed generator (xorshift + Box-Muller) seeded with `seed`, so every
/// platform gets the same values.
std::unique_ptr<SampleSource>
makeGeneratedSource(const std::vector<InputInfo> &inputs, size_t count = 8,
                    uint64_t seed = 0);

/// Whether a directory entry is hidden (".name": editors' and macOS's
/// "._name.npy" companions, or a hidden folder): never samples.
bool isHiddenEntry(const std::filesystem::path &p);

/// Whether a file name is one calibration may read as samples: `.npy` or
/// `.npz`, in any case.
bool isSampleFileName(const std::filesystem::path &p);

/// Checks a loaded tensor against an input; the message names the input,
/// the file and both shapes / dtypes.
bool checkSample(const InputInfo &input, const HostTensor &tensor,
                 const std::string &file, std::string &error);

} // namespace npu::calib

#endif // NPU_CALIBRATION_DATASOURCE_H
