//===- BlobReader.cpp - Blob bytes -> verified Program --------------------===//

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/Verifier.h"
#include "npu/Support/Files.h"

#include "FbTypes.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

namespace npu::blob {

namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

/// Decodes the verified FlatBuffer into a Program. Only fails on enum values
/// this reader does not know (a newer minor version's additions).
class Decoder {
public:
  std::string error;
  /// The metadata's first byte (8-aligned), for vector alignment checks.
  const uint8_t *base = nullptr;

  /// Copies a vector out. FlatBuffers 2.0.8's verifier checks only the 4-byte
  /// alignment of a vector's length prefix, not that of its elements: a
  /// crafted blob can put 64-bit elements at 4 mod 8, where reading them is
  /// a misaligned load (undefined behaviour), so such a vector is rejected.
  template <typename T, typename U>
  bool vec(const flatbuffers::Vector<T> *v, std::vector<U> &out,
           const std::string &what) {
    out.clear();
    if (!v)
      return true;
    // An empty vector has no element to load (and FlatBuffers does not
    // align it).
    size_t offset = size_t(v->Data() - base);
    if (v->size() != 0 && offset % alignof(T) != 0) {
      error = what + " is misaligned: its " + std::to_string(sizeof(T)) +
              "-byte elements start at metadata offset " +
              std::to_string(offset) + ", not a multiple of " +
              std::to_string(alignof(T));
      return false;
    }
    out.assign(v->begin(), v->end());
    return true;
  }

  bool ref(const fb::TensorRef *r, TensorRef &out, const std::string &what) {
    if (!r) {
      error = what + " is missing";
      return false;
    }
    out.buffer = r->buffer();
    out.offset = r->offset();
    std::optional<DType> t = fromFb(r->dtype());
    if (!t) {
      error = what + " has an unknown element type " +
              std::to_string(int(r->dtype()));
      return false;
    }
    out.dtype = *t;
    return vec(r->shape(), out.shape, what + " shape") &&
           vec(r->strides(), out.strides, what + " strides");
  }

  bool optRef(const fb::TensorRef *r, std::optional<TensorRef> &out,
              const std::string &what) {
    if (!r) {
      out.reset();
      return true;
    }
    out.emplace();
    return ref(r, *out, what);
  }

  bool desc(const fb::TensorDesc *d, TensorDesc &out, const std::string &what) {
    out.name = d->name()->str();
    std::optional<DType> t = fromFb(d->dtype());
    if (!t) {
      error = what + " '" + out.name + "' has an unknown element type";
      return false;
    }
    out.dtype = *t;
    if (!vec(d->shape(), out.shape, what + " '" + out.name + "' shape"))
      return false;
    if (uint8_t(d->layout()) > uint8_t(Layout::NHWC)) {
      error = what + " '" + out.name + "' has an unknown layout";
      return false;
    }
    out.layout = Layout(d->layout());
    if (const fb::QuantParams *q = d->quant()) {
      if (q->scales())
        out.quant.scales.assign(q->scales()->begin(), q->scales()->end());
      if (q->zero_points())
        out.quant.zeroPoints.assign(q->zero_points()->begin(),
                                    q->zero_points()->end());
      out.quant.axis = q->axis();
    }
    return true;
  }

  bool dpu(const fb::DpuTask *t, DpuTask &out, const std::string &what) {
    if (uint8_t(t->op()) > uint8_t(DpuOp::EltwiseSub)) {
      error = what + ": unknown DPU operation " + std::to_string(int(t->op()));
      return false;
    }
    out.op = DpuOp(t->op());
    if (!ref(t->input(), out.input, what + " input") ||
        !optRef(t->input2(), out.input2, what + " second input") ||
        !optRef(t->weights(), out.weights, what + " weights") ||
        !optRef(t->weight_table(), out.weightTable, what + " weight table") ||
        !ref(t->output(), out.output, what + " output"))
      return false;
    out.kernelH = t->kernel_h();
    out.kernelW = t->kernel_w();
    out.strideH = t->stride_h();
    out.strideW = t->stride_w();
    out.padTop = t->pad_top();
    out.padLeft = t->pad_left();
    out.padBottom = t->pad_bottom();
    out.padRight = t->pad_right();
    out.inZeroPoint = t->in_zero_point();
    out.in2ZeroPoint = t->in2_zero_point();
    out.inMultA = t->in_mult_a();
    out.inMultB = t->in_mult_b();
    const fb::PostProcess *p = t->ppe();
    if (p->activation() > uint8_t(arch::Activation::LeakyRelu)) {
      error = what + ": unknown activation " + std::to_string(p->activation());
      return false;
    }
    PostProcess &q = out.ppe;
    q.activation = arch::Activation(p->activation());
    q.leakyMult = p->leaky_mult();
    q.leakyShift = p->leaky_shift();
    q.leakyAlpha = p->leaky_alpha();
    q.outZeroPoint = p->out_zero_point();
    q.clampLow = p->clamp_low();
    q.clampHigh = p->clamp_high();
    q.fclampLow = p->fclamp_low();
    q.fclampHigh = p->fclamp_high();
    q.mult = p->mult();
    q.shift = p->shift();
    q.scale = p->scale();
    q.bias = p->bias();
    q.fbias = p->fbias();
    if (t->workloads()) {
      for (const fb::Workload *w : *t->workloads()) {
        if (w->mpe_mode() > uint8_t(arch::MpeMode::Cuboid16x16)) {
          error = what + ": unknown MPE mode " + std::to_string(w->mpe_mode());
          return false;
        }
        out.workloads.push_back({w->x(), w->y(), w->k(), w->width(),
                                 w->height(), w->channels(),
                                 arch::MpeMode(w->mpe_mode())});
      }
    }
    return true;
  }

  bool shave(const fb::ShaveTask *t, ShaveTask &out, const std::string &what) {
    if (t->kernel() >= arch::kNumShaveKernels) {
      error = what + ": unknown SHAVE kernel " + std::to_string(t->kernel());
      return false;
    }
    out.kernel = arch::ShaveKernel(t->kernel());
    if (t->inputs())
      for (const fb::TensorRef *r : *t->inputs()) {
        out.inputs.emplace_back();
        if (!ref(r, out.inputs.back(), what + " input"))
          return false;
      }
    if (t->outputs())
      for (const fb::TensorRef *r : *t->outputs()) {
        out.outputs.emplace_back();
        if (!ref(r, out.outputs.back(), what + " output"))
          return false;
      }
    if (t->fparams())
      out.fparams.assign(t->fparams()->begin(), t->fparams()->end());
    return vec(t->iparams(), out.iparams, what + " integer parameters");
  }

  bool task(const fb::Task *t, Task &out, const std::string &where) {
    out.name = t->name() ? t->name()->str() : std::string();
    std::string what = where + (out.name.empty() ? "" : " '" + out.name + "'");
    if (t->wait_barriers())
      out.waitBarriers.assign(t->wait_barriers()->begin(),
                              t->wait_barriers()->end());
    if (t->update_barriers())
      out.updateBarriers.assign(t->update_barriers()->begin(),
                                t->update_barriers()->end());
    switch (t->task_type()) {
    case fb::TaskKind::DmaTask:
      out.kind = Engine::Dma;
      return ref(t->task_as_DmaTask()->src(), out.dma.src, what + " source") &&
             ref(t->task_as_DmaTask()->dst(), out.dma.dst,
                 what + " destination");
    case fb::TaskKind::DpuTask:
      out.kind = Engine::Dpu;
      return dpu(t->task_as_DpuTask(), out.dpu, what);
    case fb::TaskKind::ShaveTask:
      out.kind = Engine::Shave;
      return shave(t->task_as_ShaveTask(), out.shave, what);
    case fb::TaskKind::ShaveChain: {
      out.kind = Engine::Shave;
      const auto *kernels = t->task_as_ShaveChain()->kernels();
      if (!kernels || kernels->size() < 2) {
        error = what + " is a SHAVE chain of fewer than two kernels";
        return false;
      }
      if (!shave(kernels->Get(0), out.shave, what + " kernel 0"))
        return false;
      for (uint32_t k = 1; k < kernels->size(); ++k) {
        out.shave.chained.emplace_back();
        if (!shave(kernels->Get(k), out.shave.chained.back(),
                   what + " kernel " + std::to_string(k)))
          return false;
      }
      return true;
    }
    default:
      error = what + " has no known task kind";
      return false;
    }
  }

  bool model(const fb::Model *m, Program &p) {
    if (m->platform() >= arch::kNumPlatforms) {
      error =
          "metadata names an unknown platform " + std::to_string(m->platform());
      return false;
    }
    p.platform = arch::Platform(m->platform());
    p.compilerVersion =
        m->compiler_version() ? m->compiler_version()->str() : "";
    p.optionsHash = m->options_hash();
    if (m->inputs())
      for (const fb::TensorDesc *d : *m->inputs()) {
        p.inputs.emplace_back();
        if (!desc(d, p.inputs.back(), "input"))
          return false;
      }
    if (m->outputs())
      for (const fb::TensorDesc *d : *m->outputs()) {
        p.outputs.emplace_back();
        if (!desc(d, p.outputs.back(), "output"))
          return false;
      }
    p.memory.scratchSize = m->memory()->scratch_size();
    if (!vec(m->memory()->cmx_used(), p.memory.cmxUsed,
             "memory plan's CMX use"))
      return false;
    if (m->buffers())
      for (const fb::Buffer *b : *m->buffers()) {
        if (uint8_t(b->space()) > uint8_t(MemSpace::Cmx)) {
          error = "buffer " + std::to_string(p.buffers.size()) +
                  " is in an unknown memory space";
          return false;
        }
        p.buffers.push_back({b->name() ? b->name()->str() : "",
                             MemSpace(b->space()), b->index(), b->offset(),
                             b->size()});
      }
    if (m->barriers())
      for (const fb::Barrier *b : *m->barriers())
        p.barriers.push_back({b->producer_count(), b->consumer_count()});
    if (m->states())
      for (const fb::StateVar *v : *m->states())
        p.states.push_back({v->name()->str(), v->input(), v->output()});
    if (m->task_lists())
      for (const fb::TaskList *l : *m->task_lists()) {
        if (uint8_t(l->engine()) > uint8_t(Engine::Shave)) {
          error = "task list " + std::to_string(p.taskLists.size()) +
                  " is for an unknown engine";
          return false;
        }
        TaskList list;
        list.engine = Engine(l->engine());
        list.index = l->index();
        if (l->tasks()) {
          uint32_t i = 0;
          for (const fb::Task *t : *l->tasks()) {
            list.tasks.emplace_back();
            std::string where = std::string(engineName(list.engine)) + "[" +
                                std::to_string(list.index) + "] task " +
                                std::to_string(i++);
            if (!task(t, list.tasks.back(), where))
              return false;
          }
        }
        p.taskLists.push_back(std::move(list));
      }
    return true;
  }
};

/// Checks that bytes [begin, end) are zero, naming the first that is not.
bool zeroPadding(const uint8_t *bytes, uint64_t begin, uint64_t end,
                 const char *where, std::string &error) {
  for (uint64_t i = begin; i < end; ++i)
    if (bytes[i] != 0) {
      char value[8];
      std::snprintf(value, sizeof(value), "0x%02x", bytes[i]);
      error = "blob is corrupted: padding byte " + std::to_string(i) + " " +
              where + " is " + value + ", not zero";
      return false;
    }
  return true;
}

} // namespace

bool readHeader(const void *data, size_t size, FileHeader &h,
                std::string &error) {
  // A file too short for a header that does not start like one is not a
  // truncated blob.
  if (data && size < kHeaderSize &&
      std::memcmp(data, kMagic, std::min(size, sizeof(kMagic))) != 0) {
    error = "not an npu-compile blob (bad magic)";
    return false;
  }
  if (!data || size < kHeaderSize) {
    error = "blob is truncated: " + std::to_string(size) +
            " bytes, smaller than the " + std::to_string(kHeaderSize) +
            "-byte header";
    return false;
  }
  std::memcpy(&h, data, sizeof(h));
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) {
    error = "not an npu-compile blob (bad magic)";
    if (size >= 4 && std::memcmp(data,
                                 "\x7f"
                                 "ELF",
                                 4) == 0)
      error += "; this looks like an ELF file, perhaps Intel's native NPU "
               "blob format, which this project does not read";
    return false;
  }
  if (h.versionMajor != kFormatVersionMajor) {
    error = "unsupported blob format version " +
            std::to_string(h.versionMajor) + "." +
            std::to_string(h.versionMinor) + " (this reader reads " +
            std::to_string(kFormatVersionMajor) + ".x)";
    return false;
  }
  uint32_t crc = crc32(&h, offsetof(FileHeader, headerCrc));
  if (crc != h.headerCrc) {
    error = "blob header is corrupted (header checksum " + hex32(crc) +
            ", expected " + hex32(h.headerCrc) + ")";
    return false;
  }
  if (h.platform >= arch::kNumPlatforms) {
    error = "blob targets an unknown platform " + std::to_string(h.platform);
    return false;
  }
  if (h.fileSize != size) {
    error = "blob is " +
            std::string(size < h.fileSize ? "truncated"
                                          : "longer than its "
                                            "header says") +
            ": " + std::to_string(size) + " bytes, header says " +
            std::to_string(h.fileSize);
    return false;
  }
  if (h.metadataOffset < kHeaderSize || h.metadataOffset > size ||
      h.metadataSize > size - h.metadataOffset) {
    error = "blob metadata section lies outside the file";
    return false;
  }
  // A FlatBuffer holds at least its root offset and file identifier.
  if (h.metadataSize < 8) {
    error = "blob metadata section is too small (" +
            std::to_string(h.metadataSize) + " bytes)";
    return false;
  }
  if (h.weightsOffset % kWeightsAlignment != 0) {
    error = "blob weights section is not aligned to " +
            std::to_string(kWeightsAlignment) + " bytes";
    return false;
  }
  uint64_t metadataEnd = h.metadataOffset + h.metadataSize;
  if (h.weightsOffset > size || h.weightsSize > size - h.weightsOffset ||
      h.weightsOffset < metadataEnd) {
    error = "blob weights section lies outside the file or overlaps the "
            "metadata";
    return false;
  }
  // Every byte is covered by a checksum or checked: the weights section ends
  // the file, and the gaps around the metadata are zero padding.
  if (h.weightsOffset + h.weightsSize != size) {
    error = "blob has " +
            std::to_string(size - h.weightsOffset - h.weightsSize) +
            " bytes after its weights section";
    return false;
  }
  const uint8_t *bytes = static_cast<const uint8_t *>(data);
  if (!zeroPadding(bytes, kHeaderSize, h.metadataOffset,
                   "between the header and the metadata", error) ||
      !zeroPadding(bytes, metadataEnd, h.weightsOffset,
                   "between the metadata and the weights", error))
    return false;
  return true;
}

/// The metadata of a blob whose header `h` was read: its checksum and
/// FlatBuffer structure verified, copied to `aligned` when it is not 8-byte
/// aligned. Null (and `error` set) when it is not sound.
static const uint8_t *verifiedMetadata(const uint8_t *bytes,
                                       const FileHeader &h,
                                       std::vector<uint8_t> &aligned,
                                       std::string &error) {
  const uint8_t *meta = bytes + h.metadataOffset;
  uint32_t crc = crc32(meta, h.metadataSize);
  if (crc != h.metadataCrc) {
    error = "blob metadata is corrupted (checksum " + hex32(crc) +
            ", expected " + hex32(h.metadataCrc) + ")";
    return nullptr;
  }
  // FlatBuffers needs its buffer aligned to the largest scalar it holds.
  if (reinterpret_cast<uintptr_t>(meta) % 8 != 0) {
    aligned.assign(meta, meta + h.metadataSize);
    meta = aligned.data();
  }
  flatbuffers::Verifier verifier(meta, h.metadataSize);
  if (!fb::ModelBufferHasIdentifier(meta) ||
      !verifier.VerifyBuffer<fb::Model>(fb::ModelIdentifier())) {
    error = "blob metadata is not a valid model description";
    return nullptr;
  }
  return meta;
}

bool readBlob(const void *data, size_t size, const ReadOptions &options,
              LoadedBlob &out, std::string &error) {
  out = LoadedBlob();
  FileHeader &h = out.header;
  if (!readHeader(data, size, h, error))
    return false;
  auto platform = arch::Platform(h.platform);
  if (options.expectedPlatform && *options.expectedPlatform != platform) {
    error = std::string("blob was compiled for ") +
            arch::platformName(platform) + ", not for the " +
            arch::platformName(*options.expectedPlatform) + " device";
    return false;
  }
  const uint8_t *bytes = static_cast<const uint8_t *>(data);
  std::vector<uint8_t> aligned;
  const uint8_t *meta = verifiedMetadata(bytes, h, aligned, error);
  if (!meta)
    return false;
  Decoder decoder;
  decoder.base = meta;
  if (!decoder.model(fb::GetModel(meta), out.program)) {
    error = "blob metadata: " + decoder.error;
    return false;
  }
  if (out.program.platform != platform) {
    error = "blob header and metadata disagree on the target platform";
    return false;
  }
  out.weights = bytes + h.weightsOffset;
  out.weightsSize = h.weightsSize;
  if (!verifyProgram(out.program, out.weightsSize, error))
    return false;
  if (options.verifyWeights && !verifyWeights(out, error))
    return false;
  return true;
}

bool verifyWeights(const LoadedBlob &blob, std::string &error) {
  uint32_t crc = crc32(blob.weights, blob.weightsSize);
  if (crc != blob.header.weightsCrc) {
    error = "blob weights are corrupted (checksum " + hex32(crc) +
            ", expected " + hex32(blob.header.weightsCrc) + ")";
    return false;
  }
  return true;
}

bool readFile(const std::string &path, std::vector<uint8_t> &out,
              std::string &error) {
  // At most 16 GiB; a file that does not start with the blob magic (a
  // device, a pipe of something else) is read no further than its first
  // chunk, and readHeader says what it is not.
  return readFileBounded(path, uint64_t(16) << 30, out, error,
                         startsWith(std::string(kMagic, sizeof(kMagic))));
}

bool readStateVars(const void *data, size_t size, std::vector<StateVar> &out,
                   std::string &error) {
  out.clear();
  FileHeader h;
  if (!readHeader(data, size, h, error))
    return false;
  std::vector<uint8_t> aligned;
  const uint8_t *meta =
      verifiedMetadata(static_cast<const uint8_t *>(data), h, aligned, error);
  if (!meta)
    return false;
  if (const auto *states = fb::GetModel(meta)->states())
    for (const fb::StateVar *v : *states)
      out.push_back({v->name()->str(), v->input(), v->output()});
  return true;
}

} // namespace npu::blob
