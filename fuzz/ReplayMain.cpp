//===- ReplayMain.cpp - Run a fuzz entry point on files, without fuzzing --===//
//
// main() for the npu-*-fuzz-replay executables: calls the target's
// LLVMFuzzerTestOneInput once on every file named on the command line or
// found (not recursively) in a named directory, as libFuzzer would when
// given the same files. This lets the ordinary build replay the seed corpora
// and every crasher ever found, without libFuzzer. A missing argument is an
// error, so that a renamed corpus cannot turn the test into a no-op.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc,
                                                          char ***argv);

namespace {

bool isDirectory(const std::string &path, bool &exists) {
  struct stat st;
  exists = ::stat(path.c_str(), &st) == 0;
  return exists && S_ISDIR(st.st_mode);
}

/// The regular files directly in `dir`, sorted, skipping dot files (such as
/// a .gitkeep in an empty regression folder).
std::vector<std::string> filesIn(const std::string &dir) {
  std::vector<std::string> files;
  if (DIR *d = ::opendir(dir.c_str())) {
    while (const dirent *e = ::readdir(d)) {
      std::string name = e->d_name;
      bool exists;
      if (name.empty() || name[0] == '.' ||
          isDirectory(dir + "/" + name, exists))
        continue;
      files.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    bool exists;
    if (isDirectory(argv[i], exists)) {
      auto in = filesIn(argv[i]);
      files.insert(files.end(), in.begin(), in.end());
    } else if (exists) {
      files.push_back(argv[i]);
    } else {
      std::fprintf(stderr, "%s: error: no file or directory '%s'\n", argv[0],
                   argv[i]);
      return 2;
    }
  }
  for (const std::string &f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: error: cannot read '%s'\n", argv[0], f.c_str());
      return 2;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), bytes.size());
    // A copy of exactly `size` bytes, as libFuzzer passes, so that reads
    // past the end are caught by a sanitizer build.
    std::vector<uint8_t> exact(bytes);
    exact.shrink_to_fit();
    LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(),
                           exact.size());
  }
  std::fprintf(stderr, "replay: %zu input(s), no crash\n", files.size());
  return 0;
}
