//===- DataSource.cpp - Calibration inputs from disk or generated ---------===//
//
// Directory layouts (flat .npy, one folder per input, .npz archives read
// with libzip) and the deterministic generated source.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/DataSource.h"

#include "npu/Support/Npy.h"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace npu::calib {

SampleSource::~SampleSource() = default;

namespace {

std::string describeType(DType dtype, const std::vector<int64_t> &shape) {
  return std::string(dtypeName(dtype)) + "[" + shapeToString(shape) + "]";
}

std::string inputList(const std::vector<InputInfo> &inputs) {
  std::string out;
  for (const InputInfo &in : inputs)
    out += (out.empty() ? "'" : ", '") + in.name + "'";
  return out;
}

/// `ext` in any case (a.NPY is a .npy file; found by a fresh user: it was
/// skipped without a word).
bool hasExtension(const fs::path &p, const char *ext) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return e == ext;
}

/// Regular files of `dir` with extension `ext`, not hidden, sorted by name;
/// also symbolic links that lead to no file, which then fail to open with
/// their reason (a dangling link was skipped without a word).
std::vector<std::string> listFiles(const fs::path &dir, const char *ext) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec))
    if ((e.is_regular_file(ec) || e.is_symlink(ec)) &&
        hasExtension(e.path(), ext) && !isHiddenEntry(e.path()))
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

/// Appends to `out` the files of `dir` that calibration does not read:
/// regular files (or links to them), not hidden, other than .npy (and, with
/// `npzToo`, .npz) files.
void appendIgnored(const fs::path &dir, bool npzToo,
                   std::vector<std::string> &out) {
  std::error_code ec;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && !isHiddenEntry(e.path()) &&
        !hasExtension(e.path(), ".npy") &&
        !(npzToo && hasExtension(e.path(), ".npz")))
      out.push_back(e.path().string());
}

/// The names of the sub-folders of `dir` (or links to folders), not
/// hidden, sorted.
std::vector<std::string> subFolderNames(const fs::path &dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && !isHiddenEntry(e.path()))
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Appends to `out` the paths of the sub-folders of `dir`: calibration
/// reads no folder below the ones that hold samples.
void appendFolders(const fs::path &dir, std::vector<std::string> &out) {
  for (const std::string &name : subFolderNames(dir))
    out.push_back((dir / name).string());
}

/// One .npy file per input per sample.
class NpyFilesSource : public SampleSource {
public:
  NpyFilesSource(std::vector<InputInfo> inputs,
                 std::vector<std::vector<std::string>> files,
                 std::string description, bool perInput)
      : inputs_(std::move(inputs)), files_(std::move(files)),
        description_(std::move(description)), perInput_(perInput) {}

  bool isPerInput() const override { return perInput_; }

  size_t numSamples() const override {
    return files_.empty() ? 0 : files_.front().size();
  }
  std::string describe() const override { return description_; }
  std::string sampleName(size_t index) const override {
    std::string name;
    for (const auto &files : files_)
      name += (name.empty() ? "" : ", ") + files[index];
    return name;
  }

  bool load(size_t index, std::vector<HostTensor> &tensors,
            std::string &error) override {
    tensors.resize(inputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const std::string &file = files_[i][index];
      if (!readNpy(file, tensors[i], error) ||
          !checkSample(inputs_[i], tensors[i], file, error))
        return false;
    }
    return true;
  }

private:
  std::vector<InputInfo> inputs_;
  /// files_[input][sample]
  std::vector<std::vector<std::string>> files_;
  std::string description_;
  bool perInput_;
};

/// An open zip archive, closed (read-only, discarding) on destruction.
struct ZipArchive {
  zip_t *zip = nullptr;
  ~ZipArchive() {
    if (zip)
      zip_discard(zip);
  }
  bool open(const std::string &path, std::string &error) {
    int code = 0;
    zip = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (!zip) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, code);
      error = "cannot open '" + path +
              "' as a .npz (zip) archive: " + zip_error_strerror(&ze);
      zip_error_fini(&ze);
      return false;
    }
    return true;
  }
};

/// Member name of an input in a .npz archive: numpy.savez writes "NAME.npy".
std::string memberName(const InputInfo &input) { return input.name + ".npy"; }

/// Checks that an archive holds exactly one member per input.
bool checkArchiveMembers(const std::string &path,
                         const std::vector<InputInfo> &inputs,
                         std::string &error) {
  ZipArchive archive;
  if (!archive.open(path, error))
    return false;
  std::vector<std::string> missing;
  for (const InputInfo &in : inputs)
    if (zip_name_locate(archive.zip, memberName(in).c_str(), 0) < 0)
      missing.push_back("'" + in.name + "'");
  zip_int64_t n = zip_get_num_entries(archive.zip, 0);
  std::vector<std::string> unknown;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char *name =
        zip_get_name(archive.zip, static_cast<zip_uint64_t>(i), 0);
    if (!name)
      continue;
    bool known = std::any_of(inputs.begin(), inputs.end(),
                             [&](auto &in) { return memberName(in) == name; });
    if (!known)
      unknown.push_back(std::string("'") + name + "'");
  }
  auto join = [](const std::vector<std::string> &v) {
    std::string out;
    for (const std::string &s : v)
      out += (out.empty() ? "" : ", ") + s;
    return out;
  };
  if (!missing.empty()) {
    error = "'" + path + "' has no member for input(s) " + join(missing) +
            " (members are named after the inputs: numpy.savez(path, " +
            inputs.front().name + "=...))";
    return false;
  }
  if (!unknown.empty()) {
    error = "'" + path + "' has member(s) " + join(unknown) +
            " naming no model input (inputs: " + inputList(inputs) + ")";
    return false;
  }
  return true;
}

/// One .npz archive per sample.
class NpzSource : public SampleSource {
public:
  NpzSource(std::vector<InputInfo> inputs, std::vector<std::string> archives,
            std::string description)
      : inputs_(std::move(inputs)), archives_(std::move(archives)),
        description_(std::move(description)) {}

  size_t numSamples() const override { return archives_.size(); }
  std::string describe() const override { return description_; }
  std::string sampleName(size_t index) const override {
    return archives_[index];
  }

  bool load(size_t index, std::vector<HostTensor> &tensors,
            std::string &error) override {
    const std::string &path = archives_[index];
    ZipArchive archive;
    if (!archive.open(path, error))
      return false;
    tensors.resize(inputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i) {
      std::string member = memberName(inputs_[i]);
      std::string where = path + ":" + member;
      zip_int64_t idx = zip_name_locate(archive.zip, member.c_str(), 0);
      zip_stat_t st;
      if (idx < 0 ||
          zip_stat_index(archive.zip, static_cast<zip_uint64_t>(idx), 0, &st) !=
              0 ||
          !(st.valid & ZIP_STAT_SIZE)) {
        error = "'" + path + "' has no readable member '" + member + "'";
        return false;
      }
      std::string bytes(static_cast<size_t>(st.size), '\0');
      zip_file_t *f =
          zip_fopen_index(archive.zip, static_cast<zip_uint64_t>(idx), 0);
      zip_int64_t got =
          f ? zip_fread(f, bytes.data(), static_cast<zip_uint64_t>(st.size))
            : -1;
      if (f)
        zip_fclose(f);
      if (got != static_cast<zip_int64_t>(st.size)) {
        error = "cannot read '" + where + "' (corrupt archive?)";
        return false;
      }
      std::string parseError;
      if (!parseNpy(bytes.data(), bytes.size(), tensors[i], parseError)) {
        error = where + ": " + parseError;
        return false;
      }
      if (!checkSample(inputs_[i], tensors[i], where, error))
        return false;
    }
    return true;
  }

private:
  std::vector<InputInfo> inputs_;
  std::vector<std::string> archives_;
  std::string description_;
};

/// splitmix64, to seed xorshift from any seed (including 0).
uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class GeneratedSource : public SampleSource {
public:
  GeneratedSource(std::vector<InputInfo> inputs, size_t count, uint64_t seed)
      : inputs_(std::move(inputs)), count_(count), seed_(seed) {}

  size_t numSamples() const override { return count_; }
  bool isGenerated() const override { return true; }
  std::string sampleName(size_t index) const override {
    return "generated sample " + std::to_string(index);
  }
  std::string describe() const override {
    return std::to_string(count_) +
           " generated (standard normal, 8-bit integers uniform; seed " +
           std::to_string(seed_) + ")";
  }

  bool load(size_t index, std::vector<HostTensor> &tensors,
            std::string &error) override {
    // Each sample has its own stream, so sample i does not depend on how
    // many were loaded before.
    uint64_t s = seed_ * 0x100000001B3ull + index;
    uint64_t state = splitmix64(s) | 1;
    auto next = [&] {
      state ^= state >> 12;
      state ^= state << 25;
      state ^= state >> 27;
      return state * 0x2545F4914F6CDD1Dull;
    };
    auto uniform = [&] { // in (0, 1)
      return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
    };
    tensors.clear();
    for (const InputInfo &in : inputs_) {
      std::string tooBig = hostAllocationError(in.dtype, in.shape);
      if (!tooBig.empty()) {
        error = "cannot generate a calibration sample for input '" + in.name +
                "': " + tooBig;
        return false;
      }
      HostTensor t(in.dtype, in.shape);
      if (!t.isAllocated()) {
        error = "cannot generate a calibration sample for input '" + in.name +
                "': out of memory";
        return false;
      }
      int64_t n = t.numElements();
      if (isFloat(in.dtype)) {
        for (int64_t i = 0; i < n; i += 2) {
          double r = std::sqrt(-2.0 * std::log(uniform()));
          double theta = 6.283185307179586 * uniform();
          t.setFromDouble(i, r * std::cos(theta));
          if (i + 1 < n)
            t.setFromDouble(i + 1, r * std::sin(theta));
        }
      } else if (in.dtype == DType::U8 || in.dtype == DType::I8) {
        // 8-bit inputs (a uint8 image) uniform over their range.
        double lo = in.dtype == DType::U8 ? 0 : -128;
        for (int64_t i = 0; i < n; ++i)
          t.setFromDouble(i, lo + std::floor(uniform() * 256));
      } else {
        // Other integers (token ids, lengths) are 0.
        std::memset(t.raw(), 0, t.byteSize());
      }
      tensors.push_back(std::move(t));
    }
    return true;
  }

private:
  std::vector<InputInfo> inputs_;
  size_t count_;
  uint64_t seed_;
};

} // namespace

bool isHiddenEntry(const fs::path &p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

bool isSampleFileName(const fs::path &p) {
  return hasExtension(p, ".npy") || hasExtension(p, ".npz");
}

bool checkSample(const InputInfo &input, const HostTensor &tensor,
                 const std::string &file, std::string &error) {
  if (tensor.dtype() == input.dtype && tensor.shape() == input.shape)
    return true;
  error = "'" + file + "' has " + describeType(tensor.dtype(), tensor.shape()) +
          " but input '" + input.name + "' is " +
          describeType(input.dtype, input.shape);
  // numpy's names of the float types it has (it has no bfloat16).
  const char *numpyName = input.dtype == DType::F32   ? "float32"
                          : input.dtype == DType::F16 ? "float16"
                          : input.dtype == DType::F64 ? "float64"
                                                      : nullptr;
  // Integer samples for a float input are raw data (an image's 0-255
  // pixels): a cast alone would calibrate on values the model never sees.
  bool integerSample =
      tensor.dtype() != DType::F32 && tensor.dtype() != DType::F16 &&
      tensor.dtype() != DType::F64 && tensor.dtype() != DType::BF16;
  if (tensor.dtype() != input.dtype && numpyName && integerSample)
    error += std::string(" (calibration samples are the model's input as "
                         "its preprocessing makes it -- an image resized, "
                         "normalized and laid out as the model expects -- "
                         "saved with .astype(numpy.") +
             numpyName +
             "); raw data cast alone gives int8 ranges of "
             "values the model never sees)";
  else if (tensor.dtype() != input.dtype && numpyName)
    error += std::string(" (save it with .astype(numpy.") + numpyName + "))";
  return false;
}

SampleDirectoryFiles listSampleDirectory(const std::string &dir) {
  SampleDirectoryFiles listed;
  listed.npy = listFiles(dir, ".npy");
  listed.npz = listFiles(dir, ".npz");
  listed.folders = subFolderNames(dir);
  if (listed.perInput())
    for (const std::string &folder : listed.folders)
      listed.folderNpy.push_back(listFiles(fs::path(dir) / folder, ".npy"));
  return listed;
}

std::unique_ptr<SampleSource>
openSampleDirectory(const std::string &dir,
                    const std::vector<InputInfo> &inputs, std::string &error,
                    std::vector<std::string> *ignored,
                    std::vector<std::string> *ignoredFolders) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    error = fs::exists(dir, ec)
                ? "calibration data '" + dir + "' is not a directory"
                : "calibration data directory '" + dir + "' does not exist";
    return nullptr;
  }
  if (inputs.empty()) {
    error = "the model has no inputs to calibrate with data";
    return nullptr;
  }
  SampleDirectoryFiles listed = listSampleDirectory(dir);
  std::vector<std::string> &npy = listed.npy;
  std::vector<std::string> &npz = listed.npz;
  const std::vector<std::string> &folders = listed.folders;

  // The files of the folders read that are not samples, and the folders
  // below them, once the layout is known: `subFolders` are the folders per
  // input, none for samples directly in `dir` (whose sub-folders, `folders`,
  // are then skipped; found by a review: without a word).
  auto listIgnored = [&](const std::vector<std::string> &subFolders) {
    if (ignored) {
      ignored->clear();
      appendIgnored(dir, /*npzToo=*/true, *ignored);
      for (const std::string &sub : subFolders)
        appendIgnored(fs::path(dir) / sub, /*npzToo=*/false, *ignored);
      std::sort(ignored->begin(), ignored->end());
    }
    if (ignoredFolders) {
      ignoredFolders->clear();
      if (subFolders.empty())
        for (const std::string &name : folders)
          ignoredFolders->push_back((fs::path(dir) / name).string());
      for (const std::string &sub : subFolders)
        appendFolders(fs::path(dir) / sub, *ignoredFolders);
      std::sort(ignoredFolders->begin(), ignoredFolders->end());
    }
  };

  if (!npy.empty() && !npz.empty()) {
    error = "calibration data '" + dir +
            "' mixes .npy files and .npz archives; use one layout";
    return nullptr;
  }
  // Samples beside a sub-folder named after an input: which layout is
  // meant cannot be told (half the data would be ignored silently).
  if (!npy.empty() || !npz.empty())
    for (const InputInfo &in : inputs)
      if (std::find(folders.begin(), folders.end(), in.name) != folders.end() ||
          std::find(folders.begin(), folders.end(),
                    sanitizeFileName(in.name)) != folders.end()) {
        error = "calibration data '" + dir + "' holds " +
                (npy.empty() ? ".npz archives" : ".npy files") +
                " and a sub-folder for input '" + in.name +
                "'; use one layout (the files directly for a single-input "
                "model, or one sub-folder per input)";
        return nullptr;
      }
  if (!npz.empty()) {
    for (const std::string &archive : npz)
      if (!checkArchiveMembers(archive, inputs, error))
        return nullptr;
    std::string what = std::to_string(npz.size()) + " from '" + dir + "' (npz)";
    listIgnored({});
    return std::make_unique<NpzSource>(inputs, std::move(npz), what);
  }
  if (!npy.empty()) {
    if (inputs.size() != 1) {
      error = "calibration data '" + dir + "' holds .npy files directly, but " +
              "the model has " + std::to_string(inputs.size()) + " inputs (" +
              inputList(inputs) +
              "): give one sub-folder per input or .npz archives";
      return nullptr;
    }
    std::string what = std::to_string(npy.size()) + " from '" + dir + "' (npy)";
    listIgnored({});
    return std::make_unique<NpyFilesSource>(
        inputs, std::vector<std::vector<std::string>>{std::move(npy)}, what,
        /*perInput=*/false);
  }
  if (folders.empty()) {
    error = "no calibration samples in '" + dir +
            "' (expected .npy files, .npz archives or one sub-folder per "
            "input: " +
            inputList(inputs) + ")";
    return nullptr;
  }

  // One sub-folder per input, named after it (or after its file-name-safe
  // form).
  std::vector<std::vector<std::string>> files;
  std::vector<bool> used(folders.size(), false);
  for (const InputInfo &in : inputs) {
    auto it = std::find(folders.begin(), folders.end(), in.name);
    std::string safe = sanitizeFileName(in.name);
    if (it == folders.end() && safe != in.name) {
      // The file-name-safe form only where it names this input alone ('in
      // put' and 'in_put' are both 'in_put': one folder fed both).
      for (const InputInfo &other : inputs)
        if (&other != &in &&
            (other.name == safe || sanitizeFileName(other.name) == safe)) {
          error = "calibration data '" + dir + "': input '" + in.name +
                  "' needs a sub-folder of its own name: '" + safe +
                  "', its file-name-safe form, is also input '" + other.name +
                  "''s";
          return nullptr;
        }
      it = std::find(folders.begin(), folders.end(), safe);
    }
    if (it == folders.end()) {
      // A name a folder cannot hold ('image:0', 'right/image') is matched
      // by its file-name-safe form: said (found by a fresh user).
      error = "calibration data '" + dir + "' has no sub-folder for input '" +
              in.name + "'" +
              (safe != in.name ? " (or '" + safe + "', its file-name-safe form)"
                               : std::string()) +
              " (inputs: " + inputList(inputs) + ")";
      return nullptr;
    }
    used[static_cast<size_t>(it - folders.begin())] = true;
    files.push_back(
        listed.folderNpy[static_cast<size_t>(it - folders.begin())]);
    if (files.back().empty()) {
      error = "no .npy samples in '" + (fs::path(dir) / *it).string() +
              "' (input '" + in.name + "')";
      return nullptr;
    }
  }
  for (size_t i = 0; i < folders.size(); ++i)
    if (!used[i]) {
      error = "sub-folder '" + folders[i] + "' of '" + dir +
              "' names no model input (inputs: " + inputList(inputs) + ")";
      return nullptr;
    }
  for (size_t i = 1; i < inputs.size(); ++i)
    if (files[i].size() != files[0].size()) {
      error = "inputs have different sample counts in '" + dir + "': '" +
              inputs[0].name + "' has " + std::to_string(files[0].size()) +
              ", '" + inputs[i].name + "' has " +
              std::to_string(files[i].size());
      return nullptr;
    }
  // Samples pair by file-name order. Where another input's folder has a
  // file of the name the order pairs elsewhere, the names were meant to
  // pair them: refused, not read crosswise (found by a fresh user: one
  // renamed file shifted every pair after it, silently).
  for (size_t i = 1; i < inputs.size(); ++i) {
    std::set<std::string> names;
    for (const std::string &f : files[i])
      names.insert(fs::path(f).filename().string());
    for (size_t k = 0; k < files[0].size(); ++k) {
      std::string first = fs::path(files[0][k]).filename().string();
      if (first == fs::path(files[i][k]).filename().string() ||
          !names.count(first))
        continue;
      error = "calibration data '" + dir + "': samples pair by file-name " +
              "order, which pairs '" + files[0][k] + "' (input '" +
              inputs[0].name + "') with '" + files[i][k] + "' (input '" +
              inputs[i].name + "') though '" +
              (fs::path(files[i][k]).parent_path() / first).string() +
              "' exists: give each sample's files the same name in every " +
              "folder (or names that sort alike)";
      return nullptr;
    }
  }
  std::string what =
      std::to_string(files[0].size()) + " from '" + dir + "' (per input)";
  listIgnored(folders);
  return std::make_unique<NpyFilesSource>(inputs, std::move(files), what,
                                          /*perInput=*/true);
}

std::unique_ptr<SampleSource>
makeGeneratedSource(const std::vector<InputInfo> &inputs, size_t count,
                    uint64_t seed) {
  return std::make_unique<GeneratedSource>(inputs, count, seed);
}

} // namespace npu::calib
