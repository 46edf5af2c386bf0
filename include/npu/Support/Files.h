//===- Files.h - Small helpers the command-line tools share -----*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM) so that the runtime's tools use them too.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_FILES_H
#define NPU_SUPPORT_FILES_H

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace npu {

/// Splits an option value "NAME=VALUE" at its first '='. False if there is
/// no '=' or NAME is empty.
bool splitNameValue(const std::string &spec, std::string &name,
                    std::string &value);

/// Splits "NAME=FILE" as splitNameValue does, except where the name itself
/// holds a '=' (an ONNX input named "a=b"): at the first '=' after which
/// the rest names an existing file, else at the first '='.
bool splitNameFile(const std::string &spec, std::string &name,
                   std::string &file);

/// The largest value of a count option.
constexpr int kMaxCount = 1000000;

/// Parses a count option's value: a decimal integer in [1, kMaxCount].
/// False for anything else (empty, signs of junk, 0, negative, too large).
bool parseCount(const std::string &text, int &count);

/// True if both paths name the same existing file (so that a tool never
/// writes over a file the user gave it to read).
bool isSameFile(const std::string &a, const std::string &b);

/// Whether `path` is "-" (standard input or output) or an existing file
/// that is neither a regular file nor a directory (a pipe, a FIFO, a device
/// such as /dev/null): read or written as a stream, once.
bool isStreamFile(const std::string &path);

/// How args[i] matches a value option of a hand-parsed command line.
enum class OptionMatch {
  NoMatch,      ///< args[i] is another argument
  Value,        ///< `value` is set; `i` is on the option's last argument
  MissingValue, ///< the option is last and has no value
};

/// Matches `--name value` and `--name=value` at args[i] (as llvm::cl does
/// for the MLIR tools), for npu-run and npu-blob.
OptionMatch matchValueOption(const std::vector<std::string> &args, size_t &i,
                             const std::string &name, std::string &value);

/// Matches any of the count options `counts` (name, destination) at
/// args[i] as matchValueOption does, parsing the value with parseCount.
/// False if none matches; if one matches with a missing or bad value, sets
/// `error` to "<name> takes a positive number" (else clears it).
bool matchCountOptions(
    const std::vector<std::string> &args, size_t &i,
    std::initializer_list<std::pair<const char *, int *>> counts,
    std::string &error);

/// Creates the missing directories above the file `path` (none for "-" or
/// a bare file name). On failure returns false and sets `error` to
/// "cannot create directory 'DIR': <reason>".
bool createParentDirectories(const std::string &path, std::string &error);

/// Creates the directory `dir` and its missing parents; errors as above.
bool createDirectories(const std::string &dir, std::string &error);

/// Checks, before any work, that the file `path` can be written: false with
/// "cannot write 'PATH': it is a directory" if it is one, else its missing
/// parent directories are created (errors as createParentDirectories).
bool prepareOutputFile(const std::string &path, std::string &error);

/// Reads the file `path` (any kind: a regular file, a pipe, a device) into
/// `out`, at most `maxBytes` bytes: a file with more fails with "WHAT
/// 'PATH' is larger than N bytes". With `plausible`, a file whose first
/// chunk (its first 64 KiB, or all of it if shorter) it rejects is read no
/// further (the reader's parser then says what the file is not): /dev/zero
/// given as a blob, a model or a .npy file ends at once. Other errors:
/// "cannot open / read WHAT 'PATH': <reason>", "WHAT 'PATH' is a
/// directory", with `what` (e.g. "calibration table") before the path when
/// given.
using ReadPlausible = std::function<bool(std::string_view head)>;
bool readFileBounded(const std::string &path, uint64_t maxBytes,
                     std::string &out, std::string &error,
                     const ReadPlausible &plausible = nullptr,
                     std::string_view what = {});
/// The same into bytes (a blob), without a copy.
bool readFileBounded(const std::string &path, uint64_t maxBytes,
                     std::vector<uint8_t> &out, std::string &error,
                     const ReadPlausible &plausible = nullptr,
                     std::string_view what = {});

/// A `plausible` test for readFileBounded: the file starts with `magic`.
ReadPlausible startsWith(std::string magic);

/// A file a tool reads or writes, and what it is to the user, as a message
/// names it ("the input model", "the --trace file").
struct NamedFile {
  std::string path;
  std::string what;
};

/// Checks `writes` before any work: fails with `error` when one is a file of
/// `reads` or of another entry of `writes` (the same file by any path), or
/// a directory; creates each one's missing directories
/// (prepareOutputFile). Empty paths, "-" (standard output) and /dev/...
/// are skipped.
bool checkOutputFiles(const std::vector<NamedFile> &writes,
                      const std::vector<NamedFile> &reads, std::string &error);

} // namespace npu

#endif // NPU_SUPPORT_FILES_H
