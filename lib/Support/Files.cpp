//===- Files.cpp - Small helpers the command-line tools share -------------===//

#include "npu/Support/Files.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace npu {

bool splitNameValue(const std::string &spec, std::string &name,
                    std::string &value) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  name = spec.substr(0, eq);
  value = spec.substr(eq + 1);
  return true;
}

bool splitNameFile(const std::string &spec, std::string &name,
                   std::string &file) {
  if (!splitNameValue(spec, name, file))
    return false;
  std::error_code ec;
  if (std::filesystem::exists(file, ec))
    return true;
  for (size_t eq = spec.find('=', name.size() + 1); eq != std::string::npos;
       eq = spec.find('=', eq + 1)) {
    std::string rest = spec.substr(eq + 1);
    if (!rest.empty() && std::filesystem::exists(rest, ec)) {
      name = spec.substr(0, eq);
      file = rest;
      return true;
    }
  }
  return true;
}

namespace {
/// readFileBounded into a std::string or a std::vector<uint8_t>.
template <typename Bytes>
bool readBounded(const std::string &path, uint64_t maxBytes, Bytes &out,
                 std::string &error, const ReadPlausible &plausible,
                 std::string_view what) {
  out.clear();
  std::string named = (what.empty() ? std::string() : std::string(what) + " ") +
                      "'" + path + "'";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = named + " is a directory";
    return false;
  }
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open " + named + ": " + std::strerror(errno);
    return false;
  }
  constexpr size_t kChunk = size_t(1) << 16;
  bool ok = true;
  for (;;) {
    size_t used = out.size();
    // One byte past the limit tells a file of exactly maxBytes from a
    // longer one; reads double.
    uint64_t room = maxBytes + 1 - used;
    size_t chunk =
        size_t(std::min<uint64_t>(room, std::max<uint64_t>(kChunk, used)));
    out.resize(used + chunk);
    size_t n = std::fread(out.data() + used, 1, chunk, f);
    out.resize(used + n);
    if (n < chunk) {
      ok = !std::ferror(f);
      break;
    }
    if (out.size() > maxBytes) {
      std::fclose(f);
      out.clear();
      error = named + " is larger than " + std::to_string(maxBytes) + " bytes";
      return false;
    }
    if (used == 0 && plausible &&
        !plausible(std::string_view(reinterpret_cast<const char *>(out.data()),
                                    out.size())))
      break;
  }
  int readErrno = errno;
  std::fclose(f);
  if (!ok) {
    error = "cannot read " + named + ": " + std::strerror(readErrno);
    return false;
  }
  return true;
}
} // namespace

bool readFileBounded(const std::string &path, uint64_t maxBytes,
                     std::string &out, std::string &error,
                     const ReadPlausible &plausible, std::string_view what) {
  return readBounded(path, maxBytes, out, error, plausible, what);
}

bool readFileBounded(const std::string &path, uint64_t maxBytes,
                     std::vector<uint8_t> &out, std::string &error,
                     const ReadPlausible &plausible, std::string_view what) {
  return readBounded(path, maxBytes, out, error, plausible, what);
}

ReadPlausible startsWith(std::string magic) {
  return [magic = std::move(magic)](std::string_view head) {
    return head.substr(0, magic.size()) == magic;
  };
}

bool isSameFile(const std::string &a, const std::string &b) {
  std::error_code ec;
  bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}

bool parseCount(const std::string &text, int &count) {
  char *end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || v < 1 || v > kMaxCount)
    return false;
  count = int(v);
  return true;
}

OptionMatch matchValueOption(const std::vector<std::string> &args, size_t &i,
                             const std::string &name, std::string &value) {
  const std::string &arg = args[i];
  if (arg.compare(0, name.size(), name) != 0)
    return OptionMatch::NoMatch;
  if (arg.size() == name.size()) {
    if (i + 1 >= args.size())
      return OptionMatch::MissingValue;
    value = args[++i];
    return OptionMatch::Value;
  }
  if (arg[name.size()] != '=')
    return OptionMatch::NoMatch;
  value = arg.substr(name.size() + 1);
  return OptionMatch::Value;
}

bool matchCountOptions(
    const std::vector<std::string> &args, size_t &i,
    std::initializer_list<std::pair<const char *, int *>> counts,
    std::string &error) {
  for (const auto &[name, count] : counts) {
    std::string value;
    OptionMatch m = matchValueOption(args, i, name, value);
    if (m == OptionMatch::NoMatch)
      continue;
    bool ok = m == OptionMatch::Value && parseCount(value, *count);
    error = ok ? ""
               : std::string(name) + " takes a whole number from 1 to " +
                     std::to_string(kMaxCount);
    return true;
  }
  return false;
}

bool createDirectories(const std::string &dir, std::string &error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // create_directories tolerates a directory that appears meanwhile (other
  // tools writing to the same place); anything but a directory is an error.
  if (std::filesystem::is_directory(dir))
    return true;
  if (!ec)
    ec = std::make_error_code(std::errc::not_a_directory);
  error = "cannot create directory '" + dir + "': " + ec.message();
  return false;
}

bool createParentDirectories(const std::string &path, std::string &error) {
  if (path == "-")
    return true;
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() || createDirectories(parent, error);
}

bool prepareOutputFile(const std::string &path, std::string &error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "cannot write '" + path + "': it is a directory";
    return false;
  }
  return createParentDirectories(path, error);
}

namespace {
/// `path` absolute, without "." and ".." components, and through the
/// symbolic links of the part of it that exists (a folder reached by a
/// link is the same folder).
std::string normalized(const std::string &path) {
  std::error_code ec;
  // Absolute first: weakly_canonical keeps a relative path whose first
  // component does not exist as it is, so 't.json' and './t.json' differed
  // (found by a fresh user: one output replaced the other).
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec)
    return std::filesystem::path(path).lexically_normal().string();
  std::filesystem::path p = std::filesystem::weakly_canonical(abs, ec);
  return (ec ? abs : p).lexically_normal().string();
}
} // namespace

bool isStreamFile(const std::string &path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  return path == "-" || (!ec && std::filesystem::exists(status) &&
                         !std::filesystem::is_regular_file(status) &&
                         !std::filesystem::is_directory(status));
}

bool checkOutputFiles(const std::vector<NamedFile> &writes,
                      const std::vector<NamedFile> &reads, std::string &error) {
  // Standard output and devices (/dev/null, /dev/stdout: not regular
  // files) are written to as they are; a regular file anywhere, /dev/shm's
  // too, is checked (found by a fresh user: every /dev/ path was exempt).
  auto skipped = [](const std::string &path) {
    return path.empty() || isStreamFile(path);
  };
  for (size_t i = 0; i < writes.size(); ++i) {
    const NamedFile &w = writes[i];
    if (skipped(w.path))
      continue;
    for (const NamedFile &r : reads)
      if (!r.path.empty() && isSameFile(w.path, r.path)) {
        error = w.what + " '" + w.path + "' is " + r.what +
                "; refusing to overwrite it";
        return false;
      }
    for (size_t j = 0; j < i; ++j) {
      const NamedFile &v = writes[j];
      // Neither exists yet: the same path is the same file.
      if (!skipped(v.path) && (normalized(v.path) == normalized(w.path) ||
                               isSameFile(v.path, w.path))) {
        error = w.what + " '" + w.path + "' is also " + v.what +
                "; give them different files";
        return false;
      }
    }
    if (!prepareOutputFile(w.path, error))
      return false;
  }
  return true;
}

} // namespace npu
