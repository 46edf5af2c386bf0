//===- npu-blob.cpp - Inspect, verify and generate blobs ------------------===//
//
//   npu-blob dump [--json] BLOB        the blob's content, human readable
//                                      or JSON
//   npu-blob verify [--target P] BLOB  every check a loader makes; exit 0
//                                      if good
//   npu-blob samples DIR               writes the sample blobs of every
//                                      platform into DIR/<platform>/
//                                      <name>.blob
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Dump.h"
#include "npu/Blob/Samples/Samples.h"
#include "npu/Support/Files.h"
#include "npu/Support/Npy.h"
#include "npu/Support/Version.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#if NPU_BLOB_RACE_CHECK
#include "npu/Target/Blob/RaceCheck.h"
#endif

using namespace npu;

namespace {

void usage(FILE *f) {
  std::fprintf(
      f, "usage: npu-blob dump [--json] BLOB\n"
         "       npu-blob verify [--target NPU3720|NPU4000] [--races] BLOB\n"
         "       npu-blob samples DIR\n"
         "       npu-blob --version\n"
         "\n"
         "  dump      print the header, arguments, memory plan, buffers,\n"
         "            barriers and task lists (--json: as JSON)\n"
         "  verify    run every check a loader runs (header, checksums,\n"
         "            structure, buffers, tasks, barriers, schedule); with\n"
         "            --target also reject blobs for another platform;\n"
         "            with --races also reject two tasks that touch the\n"
         "            same bytes, one writing, in no fixed order\n"
         "  samples   write the sample blobs of every platform into\n"
         "            DIR/<platform>/<name>.blob, with random inputs in\n"
         "            DIR/<platform>/<name>.<input>.npy (DIR is created)\n"
         "\n"
         "--target P and --target=P are the same.\n");
}

int fail(const std::string &msg) {
  std::fprintf(stderr, "npu-blob: error: %s\n", msg.c_str());
  return 1;
}

bool load(const std::string &path, std::vector<uint8_t> &bytes,
          const blob::ReadOptions &opts, blob::LoadedBlob &out,
          std::string &error) {
  if (!blob::readFile(path, bytes, error))
    return false;
  if (!blob::readBlob(bytes.data(), bytes.size(), opts, out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

int makeDir(const std::string &dir) {
  std::string error;
  return createDirectories(dir, error) ? 0 : fail(error);
}

/// Deterministic random values for every input of a sample, written as
/// <stem>.<input>.npy so `npu-run` can be tried by hand.
bool writeSampleInputs(const std::string &stem,
                       const std::vector<uint8_t> &bytes, std::string &error) {
  blob::LoadedBlob b;
  if (!blob::readBlob(bytes.data(), bytes.size(), {}, b, error))
    return false;
  blob::SplitMix rng(42);
  for (const blob::TensorDesc &d : b.program.inputs) {
    HostTensor t(d.dtype, d.shape);
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.setFromDouble(i, isFloat(d.dtype)       ? rng.uniformFloat(-4.0f, 4.0f)
                         : d.dtype == DType::U8 ? rng.uniform(0, 255)
                                                : rng.uniform(-128, 127));
    if (!writeNpy(stem + "." + sanitizeFileName(d.name) + ".npy", t, error))
      return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    usage(args.empty() ? stderr : stdout);
    return args.empty() ? 1 : 0;
  }
  if (args[0] == "--version") {
    std::fputs(versionLine("npu-blob").c_str(), stdout);
    return 0;
  }
  std::string cmd = args[0];
  bool json = false, races = false;
  blob::ReadOptions opts;
  std::vector<std::string> positional;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string value;
    OptionMatch target = cmd == "verify"
                             ? matchValueOption(args, i, "--target", value)
                             : OptionMatch::NoMatch;
    if (args[i] == "--json" && cmd == "dump") {
      json = true;
    } else if (args[i] == "--races" && cmd == "verify") {
      races = true;
    } else if (target != OptionMatch::NoMatch) {
      if (target == OptionMatch::MissingValue)
        return fail("--target needs a value (NPU3720 or NPU4000)");
      auto p = arch::parsePlatform(value);
      if (!p)
        return fail("unknown target '" + value + "' (NPU3720 or NPU4000)");
      opts.expectedPlatform = p;
    } else if (!args[i].empty() && args[i][0] == '-') {
      return fail("unknown option '" + args[i] + "' for '" + cmd +
                  "' (see --help)");
    } else {
      positional.push_back(args[i]);
    }
  }
  if (positional.size() != 1)
    return fail("'" + cmd + "' takes exactly one " +
                (cmd == "samples" ? "directory" : "blob file") +
                " (see --help)");

  std::string error;
  if (cmd == "dump" || cmd == "verify") {
    std::vector<uint8_t> bytes;
    blob::LoadedBlob b;
    if (!load(positional[0], bytes, opts, b, error))
      return fail(error);
    if (cmd == "verify") {
      if (races) {
#if NPU_BLOB_RACE_CHECK
        if (!target::checkRaces(b.program, error))
          return fail(positional[0] + ": " + error);
#else
        return fail("--races needs the compiler's race check; this npu-blob "
                    "was built without the compiler (NPU_BUILD_COMPILER=OFF)");
#endif
      }
      std::printf("%s: valid %s blob, format %u.%u, %llu tasks\n",
                  positional[0].c_str(), arch::platformName(b.program.platform),
                  b.header.versionMajor, b.header.versionMinor,
                  (unsigned long long)blob::countTasks(b.program));
      return 0;
    }
    std::string text = json ? blob::dumpJson(b) : blob::dumpText(b);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  if (cmd == "samples") {
    std::string dir = positional[0];
    if (int rc = makeDir(dir))
      return rc;
    for (arch::Platform p :
         {arch::Platform::NPU3720, arch::Platform::NPU4000}) {
      std::string sub = dir + "/" + arch::platformName(p);
      if (int rc = makeDir(sub))
        return rc;
      for (const blob::SampleBlob &s : blob::makeSampleBlobs(p)) {
        std::string path = sub + "/" + s.name + ".blob";
        if (!blob::writeFile(path, s.bytes, error))
          return fail(error);
        if (!writeSampleInputs(sub + "/" + s.name, s.bytes, error))
          return fail(error);
      }
    }
    return 0;
  }
  return fail("unknown command '" + cmd + "' (dump, verify or samples)");
}
