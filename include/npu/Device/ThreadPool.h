//===- ThreadPool.h - Host threads that run the engine models --*- C++ -*-===//
//
// A small fixed pool used to spread the functional execution of one task
// (output rows of a DPU workload, elements of a SHAVE kernel) over the host's
// cores. Several inferences may call parallelFor at once; the caller always
// works on its own share, so nested or concurrent use cannot deadlock.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DEVICE_THREADPOOL_H
#define NPU_DEVICE_THREADPOOL_H

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace npu::device {

class ThreadPool {
public:
  /// `threads` worker threads besides the callers.
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Calls fn(begin, end) over [0, n) split into contiguous chunks of at
  /// least `grain` items, in parallel, and returns when all are done.
  void parallelFor(size_t n, size_t grain,
                   const std::function<void(size_t, size_t)> &fn);

  unsigned workers() const { return unsigned(threads_.size()); }

  /// The process-wide pool of the engine models (NPU_SIM_THREADS caps it).
  static ThreadPool &global();

private:
  void workerLoop();
  std::vector<std::thread> threads_;
  std::deque<std::function<void()>> queue_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
};

} // namespace npu::device

#endif // NPU_DEVICE_THREADPOOL_H
