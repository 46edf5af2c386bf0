//===- BlobTest.cpp - Blob format round trip and every rejection ----------===//

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Dump.h"
#include "npu/Blob/ProgramBuilder.h"
#include "npu/Blob/Samples/Samples.h"
#include "npu/Blob/Verifier.h"

#include "npu_blob_generated.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <functional>
#include <iostream>

using namespace npu;
using namespace npu::blob;

namespace {

std::vector<uint8_t> sample(arch::Platform p, const std::string &name) {
  for (SampleBlob &s : makeSampleBlobs(p))
    if (s.name == name)
      return s.bytes;
  ADD_FAILURE() << "no sample " << name;
  return {};
}

LoadedBlob decode(const std::vector<uint8_t> &bytes) {
  LoadedBlob b;
  std::string error;
  EXPECT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error)) << error;
  return b;
}

/// Decodes a sample, lets `mutate` break it, re-serialises it and expects
/// the reader to reject it with a message containing `expected`.
void expectRejected(
    const std::string &name,
    const std::function<void(Program &, std::vector<uint8_t> &)> &mutate,
    const std::string &expected,
    arch::Platform platform = arch::Platform::NPU3720) {
  std::vector<uint8_t> bytes = sample(platform, name);
  LoadedBlob b = decode(bytes);
  std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
  mutate(b.program, weights);
  std::vector<uint8_t> broken = writeBlob(b.program, weights);
  LoadedBlob out;
  std::string error;
  EXPECT_FALSE(readBlob(broken.data(), broken.size(), {}, out, error))
      << "accepted a blob that should fail with: " << expected;
  EXPECT_NE(error.find(expected), std::string::npos)
      << "message: " << error << "\nexpected to contain: " << expected;
}

std::string rejectBytes(std::vector<uint8_t> bytes, ReadOptions opts = {}) {
  LoadedBlob out;
  std::string error;
  EXPECT_FALSE(readBlob(bytes.data(), bytes.size(), opts, out, error));
  return error;
}

void rewriteHeaderCrc(std::vector<uint8_t> &bytes) {
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  h.headerCrc = crc32(&h, offsetof(FileHeader, headerCrc));
  std::memcpy(bytes.data(), &h, sizeof(h));
}

} // namespace

TEST(Crc32, KnownValue) {
  // The standard check value of CRC-32/ISO-HDLC.
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
  // Continuation equals one pass.
  EXPECT_EQ(crc32("6789", 4, crc32("12345", 5)), 0xCBF43926u);
}

TEST(Blob, RoundTripEverySample) {
  for (arch::Platform p : {arch::Platform::NPU3720, arch::Platform::NPU4000})
    for (const SampleBlob &s : makeSampleBlobs(p)) {
      LoadedBlob b = decode(s.bytes);
      EXPECT_EQ(b.program.platform, p);
      std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
      // Decode -> encode gives the same bytes: the format loses nothing.
      EXPECT_EQ(writeBlob(b.program, weights), s.bytes) << s.name;
      LoadedBlob again = decode(writeBlob(b.program, weights));
      EXPECT_TRUE(again.program == b.program) << s.name;
      EXPECT_EQ(b.header.weightsOffset % kWeightsAlignment, 0u);
    }
}

TEST(Blob, DeterministicOutput) {
  EXPECT_EQ(sample(arch::Platform::NPU3720, "conv_relu_int8"),
            sample(arch::Platform::NPU3720, "conv_relu_int8"));
}

TEST(Blob, DumpMentionsTasksAndJsonIsWellFormed) {
  LoadedBlob b = decode(sample(arch::Platform::NPU4000, "conv_relu_int8"));
  std::string text = dumpText(b);
  EXPECT_NE(text.find("target NPU4000"), std::string::npos);
  EXPECT_NE(text.find("conv_t1"), std::string::npos);
  auto json = nlohmann::json::parse(dumpJson(b));
  EXPECT_EQ(json["platform"], "NPU4000");
  EXPECT_FALSE(json["task_lists"].empty());
}

// Names that are not UTF-8 (a corrupt blob's, or a model's in another
// encoding) still give valid JSON (U+FFFD) and a printable text dump.
TEST(Blob, DumpOfNonUtf8Names) {
  LoadedBlob b = decode(sample(arch::Platform::NPU3720, "conv_relu_int8"));
  ASSERT_FALSE(b.program.taskLists.empty());
  ASSERT_FALSE(b.program.taskLists[0].tasks.empty());
  b.program.taskLists[0].tasks[0].name = "t\xff\xc3(\x01\xc3\xa9";
  auto json = nlohmann::json::parse(dumpJson(b));
  EXPECT_EQ(json["task_lists"][0]["tasks"][0]["name"],
            "t\xef\xbf\xbd\xef\xbf\xbd(\x01\xc3\xa9");
  std::string text = dumpText(b);
  EXPECT_NE(text.find("t\\xFF\\xC3(\\x01\xc3\xa9"), std::string::npos);
  EXPECT_EQ(printable("plain é"), "plain é");
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xED\\xA0\\x80"); // a surrogate
}

TEST(BlobReject, EveryTruncation) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "conv_fp16");
  // Every prefix is rejected, none crashes.
  for (size_t n = 0; n < bytes.size(); n += (n < 256 ? 1 : 97)) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    std::string error = rejectBytes(cut);
    EXPECT_NE(error.find("truncated"), std::string::npos) << n << ": " << error;
  }
}

/// What the reader must say when byte `i` of a blob with header `h` is
/// corrupted: each byte range is protected by exactly one check.
static std::string expectedComplaint(const FileHeader &h, size_t i) {
  if (i < offsetof(FileHeader, versionMajor))
    return "bad magic";
  if (i < offsetof(FileHeader, versionMinor))
    return "unsupported blob format version";
  if (i < kHeaderSize)
    return "blob header is corrupted";
  if (i < h.metadataOffset)
    return "padding byte " + std::to_string(i) +
           " between the header and the metadata";
  if (i < h.metadataOffset + h.metadataSize)
    return "blob metadata is corrupted";
  if (i < h.weightsOffset)
    return "padding byte " + std::to_string(i) +
           " between the metadata and the weights";
  return "blob weights are corrupted";
}

TEST(BlobCorruption, EveryByteFlipIsRejected) {
  // Every byte of every sample of one platform (and the smallest of the
  // other), each altered by several bit patterns: the reader rejects every
  // one with the message of the check protecting that byte, eagerly and
  // when the loader defers the weights check (as zeGraphCreate does).
  std::vector<std::pair<arch::Platform, std::string>> blobs;
  for (const SampleBlob &s : makeSampleBlobs(arch::Platform::NPU3720))
    blobs.emplace_back(arch::Platform::NPU3720, s.name);
  blobs.emplace_back(arch::Platform::NPU4000, "conv_relu_int8");
  size_t flips = 0;
  for (const auto &[platform, name] : blobs) {
    std::vector<uint8_t> bytes = sample(platform, name);
    FileHeader h = decode(bytes).header;
    ASSERT_LT(h.metadataOffset + h.metadataSize, h.weightsOffset)
        << name << " has no padding to corrupt";
    ReadOptions deferred;
    deferred.verifyWeights = false;
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::string expected = expectedComplaint(h, i);
      for (uint8_t pattern : {0x01, 0x80, 0xff}) {
        std::vector<uint8_t> flipped = bytes;
        flipped[i] ^= pattern;
        ++flips;
        LoadedBlob b;
        std::string error;
        ASSERT_FALSE(readBlob(flipped.data(), flipped.size(), {}, b, error))
            << name << " byte " << i << " ^ " << int(pattern) << " accepted";
        ASSERT_NE(error.find(expected), std::string::npos)
            << name << " byte " << i << " ^ " << int(pattern) << ": " << error
            << "\nexpected: " << expected;
        error.clear();
        if (readBlob(flipped.data(), flipped.size(), deferred, b, error))
          ASSERT_FALSE(verifyWeights(b, error))
              << name << " byte " << i << " accepted with deferred weights";
        ASSERT_NE(error.find(expected), std::string::npos)
            << name << " byte " << i << " (deferred): " << error;
      }
    }
  }
  std::cout << "[          ] " << flips << " corrupted blobs rejected\n";
}

TEST(BlobCorruption, LayoutGapsMustBeZeroAndNothingFollowsTheWeights) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "conv_fp16");
  FileHeader h = decode(bytes).header;
  // Bytes after the weights section, even with a header that counts them.
  std::vector<uint8_t> longer = bytes;
  longer.resize(bytes.size() + 16, 0);
  FileHeader lh = h;
  lh.fileSize = longer.size();
  std::memcpy(longer.data(), &lh, sizeof(lh));
  rewriteHeaderCrc(longer);
  EXPECT_NE(rejectBytes(longer).find("16 bytes after its weights section"),
            std::string::npos);
  // The metadata may start after a zero gap, which the reader checks.
  ASSERT_GE(h.weightsOffset - h.metadataOffset - h.metadataSize, 64u);
  std::vector<uint8_t> moved = bytes;
  std::fill(moved.begin() + kHeaderSize, moved.begin() + h.weightsOffset, 0);
  std::memcpy(moved.data() + kHeaderSize + 64, bytes.data() + h.metadataOffset,
              h.metadataSize);
  FileHeader mh = h;
  mh.metadataOffset = kHeaderSize + 64;
  std::memcpy(moved.data(), &mh, sizeof(mh));
  rewriteHeaderCrc(moved);
  LoadedBlob b;
  std::string error;
  EXPECT_TRUE(readBlob(moved.data(), moved.size(), {}, b, error)) << error;
  moved[kHeaderSize + 5] = 0x20;
  EXPECT_NE(rejectBytes(moved).find("padding byte 69 between the header and "
                                    "the metadata is 0x20, not zero"),
            std::string::npos);
  // A weights section placed before the metadata's end, even empty.
  std::vector<uint8_t> empty = sample(arch::Platform::NPU3720, "maxpool_int8");
  FileHeader eh = decode(empty).header;
  ASSERT_EQ(eh.weightsSize, 0u);
  eh.weightsOffset = 0;
  std::memcpy(empty.data(), &eh, sizeof(eh));
  rewriteHeaderCrc(empty);
  EXPECT_NE(rejectBytes(empty).find("overlaps the metadata"),
            std::string::npos);
}

TEST(BlobReject, ShortFileThatIsNoBlob) {
  // Shorter than a header and not a prefix of one: not a blob at all.
  std::string text = "hello world\n";
  std::vector<uint8_t> bytes(text.begin(), text.end());
  std::string error = rejectBytes(bytes);
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
  EXPECT_EQ(error.find("truncated"), std::string::npos) << error;
}

/// Chains to every SHAVE task of `p` the exponential of its output, in
/// place, written `outputShift` bytes further on.
void chainExp(Program &p, uint64_t outputShift = 0) {
  for (TaskList &l : p.taskLists)
    for (Task &t : l.tasks)
      if (t.kind == Engine::Shave) {
        ShaveTask exp;
        exp.kernel = arch::ShaveKernel::Exp;
        exp.inputs = t.shave.outputs;
        exp.outputs = t.shave.outputs;
        exp.outputs[0].offset += outputShift;
        t.shave.chained.push_back(exp);
      }
}

/// The softmax sample with the probabilities' exponentials chained after
/// its softmax.
Program chainedSoftmax(std::vector<uint8_t> &weights) {
  LoadedBlob b = decode(sample(arch::Platform::NPU3720, "softmax_fp16"));
  weights.assign(b.weights, b.weights + b.weightsSize);
  Program p = b.program;
  chainExp(p);
  return p;
}

TEST(Blob, ShaveChainRoundTripsAsFormat12) {
  std::vector<uint8_t> weights;
  Program p = chainedSoftmax(weights);
  std::vector<uint8_t> bytes = writeBlob(p, weights);
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  EXPECT_EQ(h.versionMajor, 1u);
  EXPECT_EQ(h.versionMinor, kFormatVersionMinorShaveChains);
  LoadedBlob back = decode(bytes);
  EXPECT_TRUE(back.program == p);
  // Without the chain the sample keeps format 1.0.
  LoadedBlob plain = decode(sample(arch::Platform::NPU3720, "softmax_fp16"));
  std::memcpy(&h, sample(arch::Platform::NPU3720, "softmax_fp16").data(),
              sizeof(h));
  EXPECT_EQ(h.versionMinor, 0u);
  EXPECT_FALSE(plain.program == p);
}

TEST(BlobReject, ShaveChainRules) {
  // A chained kernel is verified as a task: here its output runs past its
  // buffer.
  expectRejected(
      "softmax_fp16",
      [](Program &p, std::vector<uint8_t> &) { chainExp(p, 1 << 20); },
      "chained kernel 1: output 0 reaches byte");
  // Chains do not nest (a blob cannot say so: the verifier checks the
  // programs the compiler writes).
  std::vector<uint8_t> weights;
  Program p = chainedSoftmax(weights);
  for (TaskList &l : p.taskLists)
    for (Task &t : l.tasks)
      if (t.kind == Engine::Shave)
        t.shave.chained[0].chained.push_back(t.shave.chained[0]);
  std::string error;
  EXPECT_FALSE(verifyProgram(p, weights.size(), error));
  EXPECT_NE(error.find("chained kernel 1 has chained kernels of its own"),
            std::string::npos)
      << error;
}

TEST(BlobReject, BadMagic) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  bytes[0] = 'X';
  EXPECT_NE(rejectBytes(bytes).find("bad magic"), std::string::npos);
  std::memcpy(bytes.data(),
              "\x7f"
              "ELF",
              4);
  EXPECT_NE(rejectBytes(bytes).find("Intel's native"), std::string::npos);
}

TEST(BlobReject, WrongVersion) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  bytes[8] = kFormatVersionMajor + 1;
  rewriteHeaderCrc(bytes);
  EXPECT_NE(rejectBytes(bytes).find("unsupported blob format version 2.0"),
            std::string::npos);
}

TEST(BlobReject, NewerMinorVersionIsAccepted) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  bytes[10] = kFormatVersionMinor + 3;
  rewriteHeaderCrc(bytes);
  LoadedBlob b;
  std::string error;
  EXPECT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error)) << error;
}

TEST(BlobReject, WrongTarget) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  ReadOptions opts;
  opts.expectedPlatform = arch::Platform::NPU4000;
  EXPECT_NE(rejectBytes(bytes, opts)
                .find("compiled for NPU3720, not for the NPU4000"),
            std::string::npos);
  bytes[12] = 7; // Unknown platform.
  rewriteHeaderCrc(bytes);
  EXPECT_NE(rejectBytes(bytes).find("unknown platform"), std::string::npos);
}

TEST(BlobReject, HeaderAndMetadataDisagreeOnTarget) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  bytes[12] = uint8_t(arch::Platform::NPU4000);
  rewriteHeaderCrc(bytes);
  EXPECT_NE(rejectBytes(bytes).find("disagree"), std::string::npos);
}

TEST(BlobReject, CorruptedChecksums) {
  std::vector<uint8_t> bytes =
      sample(arch::Platform::NPU3720, "conv_relu_int8");
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));

  std::vector<uint8_t> header = bytes;
  header[20] ^= 1; // Inside the header, not its CRC.
  EXPECT_NE(rejectBytes(header).find("header is corrupted"), std::string::npos);

  std::vector<uint8_t> meta = bytes;
  meta[h.metadataOffset + h.metadataSize / 2] ^= 0x40;
  EXPECT_NE(rejectBytes(meta).find("metadata is corrupted"), std::string::npos);

  std::vector<uint8_t> weights = bytes;
  weights[h.weightsOffset + 5] ^= 0x01;
  EXPECT_NE(rejectBytes(weights).find("weights are corrupted"),
            std::string::npos);
  // A loader deferring weights accepts it now and rejects it later.
  LoadedBlob b;
  std::string error;
  ReadOptions deferred;
  deferred.verifyWeights = false;
  ASSERT_TRUE(readBlob(weights.data(), weights.size(), deferred, b, error));
  EXPECT_FALSE(verifyWeights(b, error));
}

TEST(BlobReject, GarbageMetadataWithValidChecksum) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "softmax_fp16");
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  for (uint32_t i = 8; i < h.metadataSize; i += 3)
    bytes[h.metadataOffset + i] ^= 0x5A;
  h.metadataCrc = crc32(bytes.data() + h.metadataOffset, h.metadataSize);
  std::memcpy(bytes.data(), &h, sizeof(h));
  rewriteHeaderCrc(bytes);
  std::string error = rejectBytes(bytes);
  EXPECT_FALSE(error.empty());
}

namespace {

/// A blob whose metadata is `fbb`'s finished FlatBuffer (checksums valid,
/// no weights), laid out as the writer lays blobs out.
std::vector<uint8_t> blobAround(const flatbuffers::FlatBufferBuilder &fbb) {
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(h.magic));
  h.versionMajor = kFormatVersionMajor;
  h.versionMinor = kFormatVersionMinor;
  h.platform = uint32_t(arch::Platform::NPU3720);
  h.metadataOffset = kHeaderSize;
  h.metadataSize = fbb.GetSize();
  h.metadataCrc = crc32(fbb.GetBufferPointer(), fbb.GetSize());
  h.weightsOffset = (kHeaderSize + fbb.GetSize() + kWeightsAlignment - 1) /
                    kWeightsAlignment * kWeightsAlignment;
  h.fileSize = h.weightsOffset;
  h.weightsCrc = crc32(nullptr, 0);
  h.headerCrc = crc32(&h, offsetof(FileHeader, headerCrc));
  std::vector<uint8_t> bytes(h.fileSize, 0);
  std::memcpy(bytes.data(), &h, sizeof(h));
  std::memcpy(bytes.data() + kHeaderSize, fbb.GetBufferPointer(),
              fbb.GetSize());
  return bytes;
}

/// A [long]/[ulong] vector whose elements sit at 4 mod 8 in the finished
/// buffer: its bytes (length prefix, then the elements) are the contents of
/// a [ubyte] vector aligned to 8, so the length prefix is at 0 mod 8 and the
/// elements follow at 4 mod 8. FlatBuffers 2.0.8's verifier accepts it (it
/// checks only the prefix's 4-byte alignment).
template <typename T>
flatbuffers::Offset<flatbuffers::Vector<T>>
misalignedVector(flatbuffers::FlatBufferBuilder &fbb,
                 const std::vector<T> &values) {
  std::vector<uint8_t> raw(4 + 8 * values.size());
  uint32_t n = uint32_t(values.size());
  std::memcpy(raw.data(), &n, 4);
  std::memcpy(raw.data() + 4, values.data(), 8 * values.size());
  fbb.ForceVectorAlignment(raw.size(), 1, 8);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> bytes =
      fbb.CreateVector(raw);
  // Offsets count from the buffer's end: the [ubyte] vector's data begins
  // 4 bytes after its own length prefix.
  return flatbuffers::Offset<flatbuffers::Vector<T>>(bytes.o - 4);
}

} // namespace

// Found by UBSan on a crafted blob: the reader read 64-bit vector elements
// at 4 mod 8. A misaligned vector is rejected with its name and offset.
TEST(BlobReject, MisalignedVectorsOf64BitElements) {
  namespace fb = npu::blob::fb;
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto shape = misalignedVector<int64_t>(fbb, {1, 16, 8, 8});
    auto name = fbb.CreateString("x");
    auto input = fb::CreateTensorDesc(fbb, name, fb::DataType::I8, shape);
    auto inputs = fbb.CreateVector(std::vector{input});
    auto memory = fb::CreateMemoryPlan(fbb, 0);
    fbb.Finish(fb::CreateModel(fbb, uint8_t(arch::Platform::NPU3720), 0, 0,
                               inputs, 0, memory),
               fb::ModelIdentifier());
    std::string error = rejectBytes(blobAround(fbb));
    EXPECT_NE(error.find("input 'x' shape is misaligned: its 8-byte elements "
                         "start at metadata offset "),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("not a multiple of 8"), std::string::npos) << error;
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto cmx = misalignedVector<uint64_t>(fbb, {1024, 2048});
    auto memory = fb::CreateMemoryPlan(fbb, 0, cmx);
    fbb.Finish(fb::CreateModel(fbb, uint8_t(arch::Platform::NPU3720), 0, 0, 0,
                               0, memory),
               fb::ModelIdentifier());
    std::string error = rejectBytes(blobAround(fbb));
    EXPECT_NE(error.find("memory plan's CMX use is misaligned"),
              std::string::npos)
        << error;
  }
  {
    // The same vector properly aligned is read (the crafting is sound).
    flatbuffers::FlatBufferBuilder fbb;
    auto cmx = fbb.CreateVector(std::vector<uint64_t>{1024, 2048});
    auto memory = fb::CreateMemoryPlan(fbb, 0, cmx);
    fbb.Finish(fb::CreateModel(fbb, uint8_t(arch::Platform::NPU3720), 0, 0, 0,
                               0, memory),
               fb::ModelIdentifier());
    std::vector<uint8_t> bytes = blobAround(fbb);
    LoadedBlob out;
    std::string error;
    readBlob(bytes.data(), bytes.size(), {}, out, error);
    EXPECT_EQ(error.find("misaligned"), std::string::npos) << error;
    EXPECT_EQ(out.program.memory.cmxUsed, (std::vector<uint64_t>{1024, 2048}))
        << error;
  }
}

TEST(BlobReject, SectionOutsideFile) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  h.metadataSize = uint32_t(bytes.size());
  std::memcpy(bytes.data(), &h, sizeof(h));
  rewriteHeaderCrc(bytes);
  EXPECT_NE(rejectBytes(bytes).find("outside the file"), std::string::npos);
}

TEST(BlobReject, EmptyMetadata) {
  // Found by the fuzzer: an empty metadata section with valid checksums.
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  for (uint32_t size : {0u, 4u}) {
    h.metadataSize = size;
    h.metadataCrc = crc32(bytes.data() + h.metadataOffset, size);
    std::memcpy(bytes.data(), &h, sizeof(h));
    rewriteHeaderCrc(bytes);
    EXPECT_NE(rejectBytes(bytes).find("metadata section is too small"),
              std::string::npos);
  }
}

TEST(BlobReject, TaskOutsideItsBuffer) {
  expectRejected(
      "conv_relu_int8",
      [](Program &p, std::vector<uint8_t> &) {
        // The first DMA reads one row more than its CMX buffer holds.
        p.taskLists[0].tasks[0].dma.dst.shape[0] += 1;
        p.taskLists[0].tasks[0].dma.src.shape[0] += 1;
      },
      "destination reaches byte");
}

TEST(BlobReject, OffsetPushesOperandOutOfBuffer) {
  expectRejected(
      "eltwise_add_int8",
      [](Program &p, std::vector<uint8_t> &) {
        for (TaskList &l : p.taskLists)
          if (l.engine == Engine::Dpu)
            l.tasks[0].dpu.output.offset = 64;
      },
      "output reaches byte 8256 of buffer 5 'sum', which has 8192 bytes");
}

TEST(BlobReject, BufferPastCmxCapacity) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        p.buffers.back().offset = (1936u << 10) - 1024;
        p.memory.cmxUsed[0] = 1936u << 10;
      },
      "past the NPU3720's CMX capacity of 1982464 usable bytes");
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        p.memory.cmxUsed[0] = 1440u << 10 | 64; // Past NPU4000's 1440 KiB.
      },
      "past the NPU4000's capacity of 1474560", arch::Platform::NPU4000);
}

TEST(BlobReject, BufferOutsideMemoryPlan) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) { p.memory.cmxUsed[0] = 1024; },
      "lies outside the memory plan's CMX usage of tile 0");
}

TEST(BlobReject, BufferOnMissingTile) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) { p.buffers.back().index = 2; },
      "the NPU3720 has 2 tiles");
}

TEST(BlobReject, WeightsBufferPastSection) {
  expectRejected(
      "conv_relu_int8",
      [](Program &p, std::vector<uint8_t> &w) { w.resize(w.size() / 2); },
      "lies outside the weights section");
}

TEST(BlobReject, BarrierCountsMismatch) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        p.barriers[0].producerCount = 2;
      },
      "barrier 0 declares 2 producers but 1 tasks update it");
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        p.barriers[1].consumerCount = 0;
      },
      "barrier 1 declares 0 consumers but 1 tasks wait for it");
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        p.taskLists[0].tasks[0].updateBarriers = {9};
      },
      "names barrier 9, which does not exist");
}

TEST(BlobReject, Deadlock) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        // The load waits for the barrier the store's producer updates.
        Task &load = p.taskLists[0].tasks[0];
        load.waitBarriers = {1};
        p.barriers[1].consumerCount = 2;
      },
      "the schedule deadlocks");
}

TEST(BlobReject, EngineTheDeviceDoesNotHave) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) { p.taskLists[0].index = 2; },
      "dma[2] names an engine the NPU3720 does not have");
}

TEST(BlobReject, DpuReadsDdr) {
  expectRejected(
      "maxpool_int8",
      [](Program &p, std::vector<uint8_t> &) {
        for (TaskList &l : p.taskLists)
          if (l.engine == Engine::Dpu)
            l.tasks[0].dpu.input.buffer = 0; // The DDR input argument.
      },
      "this engine only reaches the CMX of tile 0");
}

TEST(BlobReject, WriteToWeights) {
  expectRejected(
      "conv_relu_int8",
      [](Program &p, std::vector<uint8_t> &) {
        Task &t = p.taskLists[0].tasks[1]; // load_weights_t0
        std::swap(t.dma.src, t.dma.dst);
      },
      "writes to read-only weights memory");
}

TEST(BlobReject, HardwareRules) {
  auto dpu = [](Program &p) -> DpuTask & {
    for (TaskList &l : p.taskLists)
      if (l.engine == Engine::Dpu)
        return l.tasks[0].dpu;
    return p.taskLists[0].tasks[0].dpu;
  };
  expectRejected(
      "maxpool_int8",
      [&](Program &p, std::vector<uint8_t> &) {
        dpu(p).ppe.activation = arch::Activation::Relu;
      },
      "ReLU / LeakyReLU cannot follow MaxPool");
  expectRejected(
      "eltwise_add_int8",
      [&](Program &p, std::vector<uint8_t> &) {
        for (Workload &w : dpu(p).workloads)
          w.mpeMode = arch::MpeMode::Cuboid16x16;
      },
      "eltwise on NPU4000 needs CUBOID_8x16", arch::Platform::NPU4000);
  expectRejected(
      "maxpool_int8",
      [&](Program &p, std::vector<uint8_t> &) {
        dpu(p).workloads[0].height -= 1;
      },
      "workloads do not cover the whole output");
  expectRejected(
      "maxpool_int8",
      [&](Program &p, std::vector<uint8_t> &) {
        dpu(p).workloads.push_back(dpu(p).workloads[0]);
      },
      "workload 1 overlaps workload 0");
  expectRejected(
      "maxpool_int8",
      [&](Program &p, std::vector<uint8_t> &) { dpu(p).kernelH = 12; },
      "kernel 12x2 is outside 1..11");
  expectRejected(
      "maxpool_int8",
      [&](Program &p, std::vector<uint8_t> &) { dpu(p).strideW = 3; },
      "does not match input");
  expectRejected(
      "conv_relu_int8",
      [&](Program &p, std::vector<uint8_t> &) {
        dpu(p).ppe.outZeroPoint = 200;
      },
      "output zero point 200 is outside i8");
  expectRejected(
      "conv_relu_int8",
      [&](Program &p, std::vector<uint8_t> &) { dpu(p).weightTable.reset(); },
      "conv needs weights and weight table");
  expectRejected(
      "conv_fp16",
      [&](Program &p, std::vector<uint8_t> &) {
        dpu(p).output.dtype = DType::F32;
        dpu(p).output.strides = {8 * 16 * 4, 16 * 4, 4};
        p.buffers[dpu(p).output.buffer].size *= 2;
        p.memory.cmxUsed[0] += 2048;
      },
      "DPU cannot write f32 on the NPU3720");
}

TEST(BlobReject, ShaveKernelContract) {
  expectRejected(
      "softmax_fp16",
      [](Program &p, std::vector<uint8_t> &) {
        for (TaskList &l : p.taskLists)
          if (l.engine == Engine::Shave)
            l.tasks[0].shave.iparams = {2};
      },
      "softmax: axis 2 is outside the rank");
  expectRejected(
      "softmax_fp16",
      [](Program &p, std::vector<uint8_t> &) {
        for (TaskList &l : p.taskLists)
          if (l.engine == Engine::Shave)
            l.tasks[0].shave.outputs.clear();
      },
      "softmax: takes 1 output(s), got 0");
}

TEST(BlobReject, ArgumentsMustBeNamedUniquely) {
  expectRejected(
      "eltwise_add_int8",
      [](Program &p, std::vector<uint8_t> &) { p.inputs[1].name = "a"; },
      "input 1 repeats the name 'a'");
}

TEST(ProgramBuilder, WorkloadSplitCoversRows) {
  auto w = splitWorkloadsByRows(7, 5, 32, 3, arch::MpeMode::Cuboid8x16);
  ASSERT_EQ(w.size(), 3u);
  uint32_t rows = 0;
  for (const Workload &x : w) {
    EXPECT_EQ(x.y, rows);
    rows += x.height;
  }
  EXPECT_EQ(rows, 7u);
  EXPECT_EQ(requantMult(packRequant(40000, 37)), 40000u);
  EXPECT_EQ(requantShift(packRequant(40000, 37)), 37u);
}
