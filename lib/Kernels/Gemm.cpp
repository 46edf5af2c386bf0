//===- Gemm.cpp - Blocked single-precision matrix products ----------------===//
//
// The driver around the micro-kernels: packing of A into mr-row panels,
// splitting C into tasks (column chunks, and row groups when there are few
// columns), packing each task's block of B into the thread's scratch
// buffer, and the edge tiles. Loop order inside a task: K blocks, then B
// micro-panels (kept in L1), then A panels (streamed from L2).
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Gemm.h"

#include "GemmMicroKernels.h"
#include "KernelSupport.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace npu::kernels {

GemmActivation GemmActivation::relu() {
  GemmActivation a;
  a.kind = Clamp;
  a.a = 0.0f;
  a.b = __builtin_inff();
  return a;
}

GemmActivation GemmActivation::clamp(float lo, float hi) {
  GemmActivation a;
  a.kind = Clamp;
  a.a = lo;
  a.b = hi;
  return a;
}

float GemmActivation::apply(float x) const {
  switch (kind) {
  case None:
    return x;
  case Clamp:
    return std::min(std::max(x, a), b);
  case HardSwish:
    return x * std::min(std::max(x * (1.0f / 6.0f) + 0.5f, 0.0f), 1.0f);
  case HardSigmoid:
    return std::min(std::max(a * x + b, 0.0f), 1.0f);
  case LeakyRelu:
    return x < 0 ? x * a : x;
  }
  return x;
}

//===----------------------------------------------------------------------===//
// Packing
//===----------------------------------------------------------------------===//

void PackedLhs::FreeDeleter::operator()(float *p) const { std::free(p); }

PackedLhs::PackedLhs(const float *a, int64_t lda, bool trans, int64_t m,
                     int64_t k, float alpha, SimdLevel level,
                     int64_t blockDepth)
    : level_(level), blocking_(gemmBlocking(level)), m_(m), k_(k) {
  if (blockDepth > 0)
    blocking_.kc = std::min(blocking_.kc, blockDepth);
  const int64_t mr = blocking_.mr;
  const int64_t numPanels = (m + mr - 1) / mr;
  mPadded_ = numPanels * mr;
  int64_t elements = 0;
  size_t bytes = SIZE_MAX; // reported as out of memory if the count overflows
  if (!__builtin_mul_overflow(mPadded_, k, &elements))
    bytes = static_cast<size_t>(std::max<int64_t>(elements, 1)) * sizeof(float);
  data_.reset(static_cast<float *>(
      allocateAlignedOrExit(bytes, "a packed matrix operand")));
  float *dst = data_.get();
  for (int64_t k0 = 0; k0 < k; k0 += blocking_.kc) {
    int64_t kc = std::min(blocking_.kc, k - k0);
    for (int64_t ip = 0; ip < numPanels; ++ip) {
      float *panel = dst + k0 * mPadded_ + ip * mr * kc;
      for (int64_t kk = 0; kk < kc; ++kk) {
        for (int64_t r = 0; r < mr; ++r) {
          int64_t i = ip * mr + r;
          float v = 0.0f;
          if (i < m)
            v = trans ? a[(k0 + kk) * lda + i] : a[i * lda + k0 + kk];
          panel[kk * mr + r] = alpha * v;
        }
      }
    }
  }
}

const float *PackedLhs::panel(int64_t k0, int64_t ip) const {
  int64_t kc = std::min(blocking_.kc, k_ - k0);
  return data_.get() + k0 * mPadded_ + ip * blocking_.mr * kc;
}

RhsPacker::~RhsPacker() = default;

void MatrixRhs::pack(int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
                     float *dst) const {
  for (int64_t p = 0; p * nr < nc; ++p) {
    int64_t jStart = j0 + p * nr;
    int64_t cols = std::min<int64_t>(nr, nc - p * nr);
    float *panel = dst + p * kc * nr;
    if (!trans_) {
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float *src = b_ + (k0 + kk) * ldb_ + jStart;
        float *d = panel + kk * nr;
        std::memcpy(d, src, cols * sizeof(float));
        for (int64_t c = cols; c < nr; ++c)
          d[c] = 0.0f;
      }
    } else {
      for (int64_t c = 0; c < nr; ++c) {
        if (c < cols) {
          const float *src = b_ + (jStart + c) * ldb_ + k0;
          for (int64_t kk = 0; kk < kc; ++kk)
            panel[kk * nr + c] = src[kk];
        } else {
          for (int64_t kk = 0; kk < kc; ++kk)
            panel[kk * nr + c] = 0.0f;
        }
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

namespace {
struct Task {
  int64_t ip0, ip1; // A panels
  int64_t j0, nc;   // columns
};
} // namespace

/// Runs one task: for each K block, packs the task's columns of B, then
/// calls `tile(k0, kc, ap, bp, ip, jp, rows, cols)` for every pair of an A
/// panel and a B micro-panel (rows x cols of C, at most mr x nr).
template <typename TileFn>
static void forEachTile(const PackedLhs &a, const RhsPacker &b,
                        const Task &task, TileFn &&tile) {
  const GemmBlocking &blk = a.blocking();
  const int nr = blk.nr;
  const int64_t m = a.rows(), k = a.depth();
  const int64_t numColPanels = (task.nc + nr - 1) / nr;
  float *packedB = threadScratchOf<float>(
      kScratchGemmB, static_cast<size_t>(numColPanels * nr * blk.kc));
  for (int64_t k0 = 0; k0 < k; k0 += blk.kc) {
    const int64_t kc = std::min(blk.kc, k - k0);
    b.pack(k0, kc, task.j0, task.nc, nr, packedB);
    for (int64_t jp = 0; jp < numColPanels; ++jp) {
      const int64_t cols = std::min<int64_t>(nr, task.nc - jp * nr);
      const float *bp = packedB + jp * kc * nr;
      for (int64_t ip = task.ip0; ip < task.ip1; ++ip) {
        const int64_t rows = std::min<int64_t>(blk.mr, m - ip * blk.mr);
        tile(k0, kc, a.panel(k0, ip), bp, ip, jp, rows, cols);
      }
    }
  }
}

static void runTask(const PackedLhs &a, const RhsPacker &b, const Task &task,
                    float *c, int64_t ldc, const GemmEpilogue &epi) {
  const GemmBlocking &blk = a.blocking();
  const int mr = blk.mr, nr = blk.nr;
  const int64_t k = a.depth();
  GemmMicroKernel uk = gemmMicroKernel(a.level());
  alignas(64) float tile[16 * 64];
  alignas(64) float edgeBias[16];
  const GemmActivation *act =
      epi.activation.kind == GemmActivation::None ? nullptr : &epi.activation;
  forEachTile(
      a, b, task,
      [&](int64_t k0, int64_t kc, const float *ap, const float *bp, int64_t ip,
          int64_t jp, int64_t rows, int64_t cols) {
        const bool first = k0 == 0 && !epi.accumulate;
        const bool last = k0 + kc >= k;
        float *cp = c + ip * mr * ldc + task.j0 + jp * nr;
        const float *bias =
            first && epi.rowBias ? epi.rowBias + ip * mr : nullptr;
        const GemmActivation *tileAct = last ? act : nullptr;
        if (rows == mr && cols == nr) {
          uk(kc, ap, bp, cp, ldc, bias, !first, tileAct);
          return;
        }
        // Edge tile: compute the full tile in a local buffer.
        if (!first)
          for (int64_t r = 0; r < rows; ++r)
            std::memcpy(tile + r * nr, cp + r * ldc, cols * sizeof(float));
        if (bias) {
          for (int r = 0; r < mr; ++r)
            edgeBias[r] = r < rows ? bias[r] : 0.0f;
          bias = edgeBias;
        }
        uk(kc, ap, bp, tile, nr, bias, !first, tileAct);
        for (int64_t r = 0; r < rows; ++r)
          std::memcpy(cp + r * ldc, tile + r * nr, cols * sizeof(float));
      });
}

/// c[j] = base[j] + t[j] in int32 with wrap-around, t holding exact
/// integers (base: c itself, or a splat of the bias).
static void addExactRow(int32_t *c, const float *t, int64_t n, bool overwrite,
                        int32_t bias) {
  for (int64_t j = 0; j < n; ++j) {
    uint32_t base = static_cast<uint32_t>(overwrite ? bias : c[j]);
    c[j] = static_cast<int32_t>(
        base + static_cast<uint32_t>(static_cast<int32_t>(t[j])));
  }
}

static void runTaskInt32(const PackedLhs &a, const RhsPacker &b,
                         const Task &task, int32_t *c, int64_t ldc,
                         const int32_t *rowBias) {
  const GemmBlocking &blk = a.blocking();
  const int mr = blk.mr, nr = blk.nr;
  GemmMicroKernel uk = gemmMicroKernel(a.level());
  alignas(64) float tile[16 * 64];
  forEachTile(a, b, task,
              [&](int64_t k0, int64_t kc, const float *ap, const float *bp,
                  int64_t ip, int64_t jp, int64_t rows, int64_t cols) {
                // The block's exact product, then added in int32.
                uk(kc, ap, bp, tile, nr, nullptr, false, nullptr);
                int32_t *cp = c + ip * mr * ldc + task.j0 + jp * nr;
                for (int64_t r = 0; r < rows; ++r)
                  addExactRow(cp + r * ldc, tile + r * nr, cols, k0 == 0,
                              rowBias ? rowBias[ip * mr + r] : 0);
              });
}

/// Splits C (M x N) into tasks, column chunks and, when there are few
/// columns, row groups, and runs `fn(task)` for each on the pool.
template <typename Fn>
static void forEachTask(const PackedLhs &a, int64_t n, ThreadPool *pool,
                        Fn &&fn) {
  const GemmBlocking &blk = a.blocking();
  const int64_t m = a.rows();
  const int64_t threads = poolThreads(pool);
  const int64_t numRowPanels = (m + blk.mr - 1) / blk.mr;

  // Column chunks: at most nc wide, and enough of them to feed the threads.
  int64_t perThread = (n + threads - 1) / threads;
  int64_t chunk = std::min<int64_t>(
      blk.nc,
      std::max<int64_t>(blk.nr, (perThread + blk.nr - 1) / blk.nr * blk.nr));
  int64_t numColTasks = (n + chunk - 1) / chunk;
  // Row groups when the columns alone cannot keep the threads busy.
  int64_t numRowTasks = 1;
  if (numColTasks < threads)
    numRowTasks = std::min<int64_t>(numRowPanels,
                                    (threads + numColTasks - 1) / numColTasks);
  int64_t panelsPerRowTask = (numRowPanels + numRowTasks - 1) / numRowTasks;
  numRowTasks = (numRowPanels + panelsPerRowTask - 1) / panelsPerRowTask;

  parallelFor(pool, numColTasks * numRowTasks, [&](int64_t t) {
    int64_t ct = t / numRowTasks, rt = t % numRowTasks;
    Task task;
    task.j0 = ct * chunk;
    task.nc = std::min(chunk, n - task.j0);
    task.ip0 = rt * panelsPerRowTask;
    task.ip1 = std::min(numRowPanels, task.ip0 + panelsPerRowTask);
    fn(task);
  });
}

/// Reports the rows and columns of C that `task` computed.
static void reportBlock(const GemmBlockDone *done, const PackedLhs &a,
                        const Task &task) {
  if (!done)
    return;
  const int64_t mr = a.blocking().mr;
  (*done)(task.ip0 * mr, std::min<int64_t>(task.ip1 * mr, a.rows()), task.j0,
          task.j0 + task.nc);
}

void gemmPacked(const PackedLhs &a, const RhsPacker &b, int64_t n, float *c,
                int64_t ldc, const GemmEpilogue &epi, ThreadPool *pool) {
  const int64_t m = a.rows(), k = a.depth();
  if (m <= 0 || n <= 0)
    return;
  if (k == 0) {
    // Empty contraction: C = bias (or unchanged when accumulating).
    for (int64_t i = 0; i < m; ++i) {
      float *row = c + i * ldc;
      if (!epi.accumulate)
        for (int64_t j = 0; j < n; ++j)
          row[j] = epi.rowBias ? epi.rowBias[i] : 0.0f;
      applyActivation(row, n, epi.activation);
    }
    if (epi.blockDone)
      (*epi.blockDone)(0, m, 0, n);
    return;
  }
  forEachTask(a, n, pool, [&](const Task &task) {
    runTask(a, b, task, c, ldc, epi);
    reportBlock(epi.blockDone, a, task);
  });
}

void gemmPackedInt32(const PackedLhs &a, const RhsPacker &b, int64_t n,
                     int32_t *c, int64_t ldc, const int32_t *rowBias,
                     const GemmBlockDone *blockDone, ThreadPool *pool) {
  const int64_t m = a.rows(), k = a.depth();
  if (m <= 0 || n <= 0)
    return;
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      std::fill(c + i * ldc, c + i * ldc + n, rowBias ? rowBias[i] : 0);
    if (blockDone)
      (*blockDone)(0, m, 0, n);
    return;
  }
  forEachTask(a, n, pool, [&](const Task &task) {
    runTaskInt32(a, b, task, c, ldc, rowBias);
    reportBlock(blockDone, a, task);
  });
}

int64_t exactBlockDepth(uint64_t maxA, uint64_t maxB, SimdLevel level) {
  const int64_t kc = gemmBlocking(level).kc;
  if (maxA == 0 || maxB == 0)
    return kc; // every product is 0
  // Integers up to 2^24 are exact in float32; so is any sum of kc products
  // when kc * maxA * maxB <= 2^24.
  constexpr uint64_t kExact = uint64_t(1) << 24;
  if (maxA > kExact || maxB > kExact)
    return 0;
  return std::min<int64_t>(kc, static_cast<int64_t>(kExact / (maxA * maxB)));
}

void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
           float alpha, const float *a, int64_t lda, const float *b,
           int64_t ldb, float beta, float *c, int64_t ldc, ThreadPool *pool) {
  if (m <= 0 || n <= 0)
    return;
  GemmEpilogue epi;
  if (beta != 0.0f) {
    epi.accumulate = true;
    if (beta != 1.0f)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          c[i * ldc + j] *= beta;
  }
  if (k == 0 || alpha == 0.0f) {
    if (!epi.accumulate)
      for (int64_t i = 0; i < m; ++i)
        std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  PackedLhs packed(a, lda, transA, m, k, alpha);
  MatrixRhs rhs(b, ldb, transB);
  gemmPacked(packed, rhs, n, c, ldc, epi, pool);
}

void referenceGemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                   float alpha, const float *a, int64_t lda, const float *b,
                   int64_t ldb, float beta, float *c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p) {
        double av = transA ? a[p * lda + i] : a[i * lda + p];
        double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
        sum += av * bv;
      }
      double prev =
          beta != 0.0f ? beta * static_cast<double>(c[i * ldc + j]) : 0.0;
      c[i * ldc + j] = static_cast<float>(alpha * sum + prev);
    }
}

} // namespace npu::kernels
