//===- ThreadPool.h - A small fork-join thread pool for kernels -*- C++ -*-===//
//
// Kernels split their work into independent tasks and run them with
// parallelFor. The calling thread takes part; a pool of one thread runs
// everything inline. Nested parallelFor calls (from inside a task) run
// inline too, so kernels may call each other freely.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_THREADPOOL_H
#define NPU_KERNELS_THREADPOOL_H

#include <cstdint>
#include <functional>
#include <memory>

namespace npu::kernels {

class ThreadPool {
public:
  /// `numThreads` <= 0 means one per hardware thread.
  explicit ThreadPool(int numThreads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Threads that execute tasks, the caller included.
  int numThreads() const { return numThreads_; }

  /// Runs fn(i) for every i in [0, numTasks), distributing tasks over the
  /// threads; returns when all are done.
  void parallelFor(int64_t numTasks, const std::function<void(int64_t)> &fn);

  /// The threads a pool of `numThreads` <= 0 gets: NPU_KERNELS_THREADS when
  /// it is set to an integer in [1, 1024] (any other value is ignored),
  /// else the number of hardware threads (at least 1).
  static int hardwareThreads();

private:
  struct Shared;
  int numThreads_ = 1;
  std::unique_ptr<Shared> shared_;
};

/// Runs fn(i) for i in [0, numTasks) on `pool`, or inline when `pool` is
/// null, has one thread or there is a single task.
void parallelFor(ThreadPool *pool, int64_t numTasks,
                 const std::function<void(int64_t)> &fn);

/// Splits [0, total) into at most `maxChunks` contiguous ranges of at least
/// `minChunk` elements (except the last) and runs fn(begin, end) on each,
/// in parallel when a pool is given.
void parallelForRange(ThreadPool *pool, int64_t total, int64_t minChunk,
                      const std::function<void(int64_t, int64_t)> &fn);

/// The threads a kernel can count on when splitting work (1 without a pool).
inline int poolThreads(const ThreadPool *pool) {
  return pool ? pool->numThreads() : 1;
}

} // namespace npu::kernels

#endif // NPU_KERNELS_THREADPOOL_H
