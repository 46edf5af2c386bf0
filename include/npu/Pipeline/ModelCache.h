//===- ModelCache.h - Compiled blobs kept by what they were made from -*- C++
//-*-===//
//
// `--cache-dir DIR`: a compile whose inputs were compiled before is a file
// read instead of a compile (First Inference Latency instead of First Ever
// Inference Latency). An entry is DIR/<key>.blob, where the key is the
// BLAKE3 hash of everything that decides the blob's bytes (docs/cache.md):
//
//   - the compiler: its version string and the hash of the running
//     executable (any rebuild is a new compiler);
//   - the model: its file and every external-data file it refers to;
//   - the options that change the blob: target, precision, tiles in use,
//     input shapes and input values, calibration method and percentile,
//     the calibration data (every file under --calib-data, by relative path
//     and bytes) or the --use-calib-table file.
//
// Entries are written to a temporary file and renamed into place (a reader
// never sees half a blob); on load an entry is verified like any blob (header
// and section CRCs, the program, the target): a corrupt or truncated entry is
// reported, removed and rebuilt, never returned. Compiles of one key are
// serialized by a lock file, so concurrent compiles of one model compile it
// once. The directory is kept under a size limit by removing the least
// recently used entries (a hit refreshes an entry's time).
//
// What the compile that stored an entry printed on diagnosticStream() (its
// warnings, notes and remarks; Pipeline.h) is kept beside it in
// <key>.blob.diagnostics, and a hit prints it again before its cache line.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_MODELCACHE_H
#define NPU_PIPELINE_MODELCACHE_H

#include "npu/Pipeline/CompileOptions.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace npu {

struct CacheOptions {
  /// The cache directory (created if missing). Empty: no cache.
  std::string dir;
  /// Entries are evicted, least recently used first, while the directory's
  /// entries exceed this many bytes (the entry just written stays).
  uint64_t maxBytes = uint64_t(2) << 30;
  /// Print the key, its inputs and evictions on stderr (hit, miss and
  /// rebuilt lines are printed anyway).
  bool verbose = false;
};

/// A cache key and the inputs it was hashed from ("model file" -> its
/// digest, "option target" -> "NPU3720", ...), in hashing order.
struct CacheKey {
  std::string hex; ///< 64 hex digits: the entry's file name.
  std::vector<std::pair<std::string, std::string>> inputs;
};

/// The key of compiling `modelPath` with `options` to a blob. Fails with
/// the reason in `error` when an input cannot be read.
mlir::LogicalResult computeCacheKey(llvm::StringRef modelPath,
                                    const CompileOptions &options,
                                    CacheKey &key, std::string &error);

/// What compileToBlobCached did.
enum class CacheOutcome {
  Hit,      ///< The blob came from the cache.
  Miss,     ///< Compiled and stored.
  Rebuilt,  ///< The entry was corrupt: removed, compiled and stored again.
  Bypassed, ///< Compiled without the cache (see compileToBlobCached).
};
llvm::StringRef cacheOutcomeName(CacheOutcome outcome);

/// compileToBlob through the cache in `cache.dir`. The cache is bypassed
/// (the compile runs, nothing is stored) when the options ask for compile
/// by-products a stored blob cannot give: --dump-stages, --calib-table or
/// --timing. Errors of the cache itself (a directory that cannot be
/// created or written) fail with the reason in `error`; they never return
/// an unverified blob.
mlir::LogicalResult
compileToBlobCached(llvm::StringRef modelPath, const CompileOptions &options,
                    const CacheOptions &cache, std::vector<uint8_t> &blobBytes,
                    CacheOutcome &outcome, std::string &error);

} // namespace npu

#endif // NPU_PIPELINE_MODELCACHE_H
