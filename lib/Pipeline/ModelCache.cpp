//===- ModelCache.cpp - Compiled blobs kept by what they were made from ---===//

#include "npu/Pipeline/ModelCache.h"

#include "npu/Blob/BlobReader.h"
#include "npu/Calibration/DataSource.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Support/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <link.h>
#include <optional>

using namespace mlir;
namespace fs = std::filesystem;

namespace npu {

namespace {

std::string digestOf(ArrayRef<uint8_t> bytes) {
  llvm::BLAKE3 hasher;
  hasher.update(bytes);
  return llvm::toHex(hasher.final(), /*LowerCase=*/true);
}

/// BLAKE3 of a file's bytes, or failure with the reason.
LogicalResult fileDigest(const std::string &path, std::string &digest,
                         std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path + "': " + buffer.getError().message();
    return failure();
  }
  digest = digestOf(llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
  return success();
}

/// The GNU build ID of the running executable (the linker's hash of its
/// contents, NT_GNU_BUILD_ID in a PT_NOTE segment), read from memory; empty
/// when it has none.
std::string executableBuildId() {
  std::string id;
  dl_iterate_phdr(
      [](struct dl_phdr_info *info, size_t, void *data) -> int {
        auto &out = *static_cast<std::string *>(data);
        // The first object is the executable itself.
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE)
            continue;
          const char *p =
              reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr);
          const char *end = p + ph.p_memsz;
          auto align4 = [](size_t n) { return (n + 3) & ~size_t(3); };
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto *note = reinterpret_cast<const ElfW(Nhdr) *>(p);
            const char *name = p + sizeof(ElfW(Nhdr));
            const char *desc = name + align4(note->n_namesz);
            if (desc + note->n_descsz > end)
              break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0) {
              out = llvm::toHex(
                  llvm::ArrayRef<uint8_t>(
                      reinterpret_cast<const uint8_t *>(desc), note->n_descsz),
                  /*LowerCase=*/true);
              return 1;
            }
            p = desc + align4(note->n_descsz);
          }
        }
        return 1;
      },
      &id);
  return id;
}

/// The running executable: a rebuilt compiler is a new compiler. Its build
/// ID when it has one (the executables are linked with --build-id=sha1), else
/// the BLAKE3 of its file (tens of milliseconds for the 13 MB npu-compile:
/// most of a cache hit).
const std::string &executableDigest() {
  static const std::string digest = [] {
    std::string id = executableBuildId();
    if (!id.empty())
      return "build-id " + id;
    std::string d, error;
    if (failed(fileDigest("/proc/self/exe", d, error)))
      d = "unknown (" + error + ")";
    return d;
  }();
  return digest;
}

} // namespace

LogicalResult computeCacheKey(StringRef modelPath,
                              const CompileOptions &options, CacheKey &key,
                              std::string &error) {
  key = CacheKey();
  auto add = [&](std::string name, std::string value) {
    key.inputs.emplace_back(std::move(name), std::move(value));
  };
  add("compiler version", std::string("npu-compile ") + kVersion);
  add("compiler executable", executableDigest());

  std::string digest;
  if (failed(fileDigest(modelPath.str(), digest, error)))
    return failure();
  add("model file", digest);
  std::vector<std::string> external;
  if (!listExternalDataFiles(modelPath, options.import, external, error))
    return failure();
  for (const std::string &file : external) {
    if (failed(fileDigest(file, digest, error)))
      return failure();
    add("external data " + fs::path(file).filename().string(), digest);
  }

  add("option target", arch::hardware(options.target).name);
  add("option precision", precisionName(options.precision).str());
  add("option tiles", std::to_string(options.effectiveTiles()));
  add("option compile-to", "blob");
  for (const auto &[name, shape] : options.import.inputShapes) {
    std::string dims;
    for (size_t i = 0; i < shape.size(); ++i)
      dims += (i ? "," : "") + std::to_string(shape[i]);
    add("option input-shape " + name, dims);
  }
  for (const auto &[name, value] : options.import.knownInputValues) {
    llvm::BLAKE3 hasher;
    hasher.update(dtypeName(value.dtype()));
    hasher.update(shapeToString(value.shape()));
    hasher.update(llvm::ArrayRef<uint8_t>(
        static_cast<const uint8_t *>(value.raw()), value.byteSize()));
    add("option input-value " + name,
        llvm::toHex(hasher.final(), /*LowerCase=*/true));
  }
  if (!options.import.externalDataDir.empty())
    add("option external-data-dir", options.import.externalDataDir);
  if (!options.exposeTensors.empty())
    add("option expose-tensors", joinNameList(options.exposeTensors));
  for (const auto &[in, out] : options.state.pairs)
    add("option state", in + "=" + out);
  if (!options.state.autoDetect)
    add("option state", "none");
  if (!options.debugCorruptTensor.empty())
    add("option debug-corrupt-tensor", options.debugCorruptTensor);

  if (options.precision == Precision::Mixed) {
    add("option accuracy-target", options.accuracyTarget);
    if (!options.fp16Layers.empty())
      add("option fp16-layers", joinNameList(options.fp16Layers));
    if (!options.fp16IfFaster)
      add("option fp16-if-faster", "false");
  }
  if (isCalibrated(options.precision)) {
    const CalibrationOptions &c = options.calibration;
    if (!c.equalizeChannels)
      add("option equalize-channels", "false");
    if (c.weightRounding != "gptq")
      add("option weight-rounding", c.weightRounding);
    if (!c.tableInputPath.empty()) {
      if (failed(fileDigest(c.tableInputPath, digest, error)))
        return failure();
      add("calibration table", digest);
    } else {
      add("option calib-method", calibrationMethodName(c.method).str());
      if (c.method == CalibrationMethod::Percentile ||
          c.method == CalibrationMethod::Auto)
        add("option calib-percentile", llvm::formatv("{0}", c.percentile));
    }
    // The samples: calibration's, and the mixed-precision search's (which
    // reads them with a table too).
    if (c.tableInputPath.empty() || options.precision == Precision::Mixed) {
      if (c.dataDir.empty()) {
        add("calibration data", "generated samples");
      } else {
        // Exactly the files calibration reads (listed by the function that
        // lists them for it, so the two cannot differ; found by a review:
        // a per-input folder that is a link was not hashed, a stale hit), by
        // their path under the directory as given, not a link's target.
        calib::SampleDirectoryFiles listed =
            calib::listSampleDirectory(c.dataDir);
        std::vector<std::string> files = listed.npy;
        llvm::append_range(files, listed.npz);
        for (const std::vector<std::string> &folder : listed.folderNpy)
          llvm::append_range(files, folder);
        for (const std::string &path : files) {
          if (failed(fileDigest(path, digest, error)))
            return failure();
          add("calibration data " +
                  fs::path(path).lexically_relative(c.dataDir).string(),
              digest);
        }
      }
    }
  }

  llvm::BLAKE3 hasher;
  for (const auto &[name, value] : key.inputs) {
    hasher.update(name);
    hasher.update(llvm::StringRef("\0", 1));
    hasher.update(value);
    hasher.update(llvm::StringRef("\0", 1));
  }
  key.hex = llvm::toHex(hasher.final(), /*LowerCase=*/true);
  return success();
}

StringRef cacheOutcomeName(CacheOutcome outcome) {
  switch (outcome) {
  case CacheOutcome::Hit:
    return "hit";
  case CacheOutcome::Miss:
    return "miss";
  case CacheOutcome::Rebuilt:
    return "rebuilt";
  case CacheOutcome::Bypassed:
    return "bypassed";
  }
  return "";
}

namespace {

void note(const CacheOptions &cache, const CompileOptions &options,
          const llvm::Twine &message) {
  if (cache.verbose)
    llvm::errs() << options.toolName << ": cache: " << message << "\n";
}

/// Holds an exclusive lock on a file for its lifetime (flock: released by
/// the system if the process dies).
class FileLock {
public:
  LogicalResult lock(const std::string &path, std::string &error) {
    if (std::error_code ec = llvm::sys::fs::openFileForReadWrite(
            path, fd_, llvm::sys::fs::CD_OpenAlways, llvm::sys::fs::OF_None)) {
      error = "cannot open the cache lock '" + path + "': " + ec.message();
      return failure();
    }
    if (std::error_code ec = llvm::sys::fs::lockFile(fd_)) {
      error = "cannot lock '" + path + "': " + ec.message();
      return failure();
    }
    locked_ = true;
    return success();
  }
  ~FileLock() {
    if (locked_)
      (void)llvm::sys::fs::unlockFile(fd_);
    if (fd_ >= 0)
      llvm::sys::Process::SafelyCloseFileDescriptor(fd_);
  }

private:
  int fd_ = -1;
  bool locked_ = false;
};

/// The file beside entry `path` that holds its key, the BLAKE3 of its bytes
/// as stored, then the BLAKE3 of its diagnostics file, one a line: a valid
/// blob put there by hand (another model's) is no entry.
std::string digestPath(const std::string &path) { return path + ".b3"; }

/// The lines of the digest file beside entry `path` (digestPath), empty
/// where it has fewer; nullopt with the reason if it cannot be read.
struct StoredDigests {
  std::string key, blob, diagnostics;
};
std::optional<StoredDigests> readDigests(const std::string &path,
                                         std::string &why) {
  auto stored = llvm::MemoryBuffer::getFile(digestPath(path), /*IsText=*/true);
  if (!stored) {
    why = stored.getError().message();
    return std::nullopt;
  }
  auto [key, rest] = (*stored)->getBuffer().split('\n');
  auto [blob, diagnostics] = rest.split('\n');
  return StoredDigests{key.trim().str(), blob.trim().str(),
                       diagnostics.trim().str()};
}

/// The file beside entry `path` that holds what the compile that stored it
/// printed on diagnosticStream() (its warnings, notes and remarks), which a
/// hit prints again. Not part of the blob.
std::string diagnosticsPath(const std::string &path) {
  return path + ".diagnostics";
}

/// Reads and verifies an entry into `bytes` and what its compile printed
/// into `diagnostics`. Returns false (with the reason) if it is corrupt,
/// truncated, for another target, or not the blob stored under its key (its
/// digest file is missing or names other bytes). A missing or damaged
/// diagnostics file makes the entry corrupt too (rebuilt, which prints the
/// warnings again), never a hit without its warnings.
bool loadEntry(const std::string &path, StringRef key, arch::Platform target,
               std::vector<uint8_t> &bytes, std::string &diagnostics,
               std::string &why) {
  if (!blob::readFile(path, bytes, why))
    return false;
  blob::ReadOptions read;
  read.expectedPlatform = target;
  blob::LoadedBlob loaded;
  if (!blob::readBlob(bytes.data(), bytes.size(), read, loaded, why))
    return false;
  std::optional<StoredDigests> stored = readDigests(path, why);
  if (!stored) {
    why = "its digest file '" + digestPath(path) + "' cannot be read: " + why;
    return false;
  }
  // The digest file names its key (found by a review: another entry's
  // three files copied over this one's were a hit with the other model).
  if (stored->key != key) {
    why = "its digest file '" + digestPath(path) +
          "' is for another key (the entry's files were replaced)";
    return false;
  }
  if (stored->blob != digestOf(bytes)) {
    why = "its bytes do not have the digest stored beside it in '" +
          digestPath(path) +
          "' (the blob or the digest was replaced or "
          "damaged)";
    return false;
  }
  auto text = llvm::MemoryBuffer::getFile(diagnosticsPath(path),
                                          /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!text) {
    why = "its diagnostics file '" + diagnosticsPath(path) +
          "' cannot be read: " + text.getError().message();
    return false;
  }
  diagnostics = (*text)->getBuffer().str();
  if (stored->diagnostics !=
      digestOf(llvm::arrayRefFromStringRef(diagnostics))) {
    why = "its diagnostics file '" + diagnosticsPath(path) +
          "' does not have the digest stored in '" + digestPath(path) +
          "' (it was replaced or damaged)";
    return false;
  }
  return true;
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so that no reader ever sees a partial file.
LogicalResult storeFile(const std::string &path, ArrayRef<uint8_t> bytes,
                        std::string &error) {
  llvm::SmallString<256> temp;
  int fd = -1;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temp)) {
    error = "cannot write to the cache: " + ec.message();
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    os.flush();
    if (os.has_error()) {
      error =
          "cannot write '" + std::string(temp) + "': " + os.error().message();
      os.clear_error();
      (void)llvm::sys::fs::remove(temp);
      return failure();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    (void)llvm::sys::fs::remove(temp);
    error = "cannot write '" + path + "': " + ec.message();
    return failure();
  }
  return success();
}

/// Stores an entry: its diagnostics file, its digest file, then the blob
/// (an entry whose files do not have the digests stored is rebuilt, so a
/// crash between them costs a compile, never a wrong blob or warnings).
LogicalResult storeEntry(const std::string &path, StringRef key,
                         const std::vector<uint8_t> &bytes,
                         StringRef diagnostics, std::string &error) {
  ArrayRef<uint8_t> text = llvm::arrayRefFromStringRef(diagnostics);
  std::string digests =
      key.str() + "\n" + digestOf(bytes) + "\n" + digestOf(text) + "\n";
  if (failed(storeFile(diagnosticsPath(path), text, error)) ||
      failed(storeFile(digestPath(path), llvm::arrayRefFromStringRef(digests),
                       error)))
    return failure();
  return storeFile(path, bytes, error);
}

/// Removes the least recently used entries (by modification time, which a
/// hit refreshes) while the entries exceed `maxBytes`; `keep` stays.
void evict(const CacheOptions &cache, const CompileOptions &options,
           const std::string &keep) {
  struct Entry {
    fs::file_time_type time;
    std::string path;
    uint64_t size;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  // Only entries: a key's 64 hex digits and .blob (found by a fresh user:
  // any .blob in the folder was evicted, a user's own blobs too).
  auto isEntry = [](const fs::path &p) {
    std::string stem = p.stem().string();
    return p.extension() == ".blob" && stem.size() == 64 &&
           llvm::all_of(stem, [](char c) {
             return llvm::isDigit(c) || (c >= 'a' && c <= 'f');
           });
  };
  // A real entry always has its digest file, whose first line is its key,
  // the file's stem (found by reviews: a user's file named like a key was
  // evicted, with or without a .b3 of other content beside it).
  auto hasOwnDigest = [](const fs::path &p) {
    std::string why;
    std::optional<StoredDigests> stored = readDigests(p.string(), why);
    return stored && stored->key == p.stem().string();
  };
  for (const auto &f : fs::directory_iterator(cache.dir, ec)) {
    if (!isEntry(f.path()) || !f.is_regular_file(ec) || !hasOwnDigest(f.path()))
      continue;
    Entry e{f.last_write_time(ec), f.path().string(), f.file_size(ec)};
    if (ec)
      continue;
    total += e.size;
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    return a.time != b.time ? a.time < b.time : a.path < b.path;
  });
  for (const Entry &e : entries) {
    if (total <= cache.maxBytes)
      break;
    if (e.path == keep)
      continue;
    if (fs::remove(e.path, ec)) {
      total -= e.size;
      fs::remove(digestPath(e.path), ec);
      fs::remove(diagnosticsPath(e.path), ec);
      fs::remove(e.path + ".lock", ec);
      note(cache, options, "evicted " + e.path);
    }
  }
}

} // namespace

LogicalResult compileToBlobCached(StringRef modelPath,
                                  const CompileOptions &options,
                                  const CacheOptions &cache,
                                  std::vector<uint8_t> &blobBytes,
                                  CacheOutcome &outcome, std::string &error) {
  outcome = CacheOutcome::Bypassed;
  if (cache.dir.empty())
    return compileToBlob(modelPath, options, blobBytes, error);
  if (!options.dumpDir.empty() ||
      !options.calibration.tableOutputPath.empty() ||
      !options.precisionReportPath.empty() || options.timing) {
    note(cache, options,
         "bypassed: --dump-stages, --calib-table, --precision-report and "
         "--timing need the compile to run");
    return compileToBlob(modelPath, options, blobBytes, error);
  }

  auto keyStart = CompilePhaseTimes::Clock::now();
  CacheKey key;
  if (failed(computeCacheKey(modelPath, options, key, error)))
    return failure();
  if (options.phaseTimes)
    options.phaseTimes->record("cache key", keyStart);
  if (cache.verbose) {
    note(cache, options, "key " + key.hex + " from:");
    for (const auto &[name, value] : key.inputs)
      llvm::errs() << "  " << name << ": " << value << "\n";
  }
  std::error_code ec;
  fs::create_directories(cache.dir, ec);
  if (ec) {
    error = "cannot create the cache directory '" + cache.dir +
            "': " + ec.message();
    return failure();
  }
  const std::string entry =
      (fs::path(cache.dir) / (key.hex + ".blob")).string();

  // One compile per key at a time: a second process waits here, then finds
  // the entry the first one stored.
  FileLock lock;
  std::string why;
  if (failed(lock.lock(entry + ".lock", why))) {
    printWarning(options.toolName, "the cache entry '" + entry +
                                       "' cannot be used (" + why +
                                       "); compiling without the cache");
    return compileToBlob(modelPath, options, blobBytes, error);
  }

  bool existed = fs::exists(entry, ec);
  if (existed) {
    auto readStart = CompilePhaseTimes::Clock::now();
    std::string diagnostics;
    if (loadEntry(entry, key.hex, options.target, blobBytes, diagnostics,
                  why)) {
      if (options.phaseTimes)
        options.phaseTimes->record("cache read", readStart);
      // What the compile that stored the entry printed, in its order (found
      // by a review: a hit said none of its warnings).
      diagnosticStream() << diagnostics;
      // Refresh the entry's time: eviction removes the least recently used.
      fs::last_write_time(entry, fs::file_time_type::clock::now(), ec);
      outcome = CacheOutcome::Hit;
      llvm::errs() << options.toolName << ": cache hit: " << entry << "\n";
      return success();
    }
    // Never executed: reported, removed, rebuilt.
    printWarning(options.toolName, "the cache entry '" + entry +
                                       "' is corrupt (" + why +
                                       "); removing and rebuilding it");
    fs::remove(entry, ec);
    fs::remove(digestPath(entry), ec);
    fs::remove(diagnosticsPath(entry), ec);
  }
  DiagnosticRecorder said;
  if (failed(compileToBlob(modelPath, options, blobBytes, error)))
    return failure();
  auto storeStart = CompilePhaseTimes::Clock::now();
  if (failed(storeEntry(entry, key.hex, blobBytes, said.text(), why))) {
    // The blob is compiled: a cache that cannot keep it costs the next
    // compile, not this one (found by a review: a directory in an entry
    // file's place failed the compile and wrote no output). Printed after
    // the recording, which nothing keeps.
    printWarning(options.toolName, "the cache entry '" + entry +
                                       "' cannot be stored (" + why +
                                       "); the blob is not cached");
    return success();
  }
  if (options.phaseTimes)
    options.phaseTimes->record("cache store", storeStart);
  outcome = existed ? CacheOutcome::Rebuilt : CacheOutcome::Miss;
  llvm::errs() << options.toolName << ": cache "
               << (existed ? "rebuilt: " : "miss, stored: ") << entry << "\n";
  evict(cache, options, entry);
  return success();
}

} // namespace npu
