//===- ThreadPool.cpp - Host threads that run simulated engines -----------===//

#include "npu/Device/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>

namespace npu::device {

ThreadPool::ThreadPool(unsigned threads) {
  for (unsigned i = 0; i < threads; ++i)
    threads_.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread &t : threads_)
    t.join();
}

void ThreadPool::workerLoop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void ThreadPool::parallelFor(size_t n, size_t grain,
                             const std::function<void(size_t, size_t)> &fn) {
  if (n == 0)
    return;
  grain = std::max<size_t>(grain, 1);
  // Several small chunks per thread, claimed dynamically: on a loaded host
  // a descheduled worker then delays one small chunk, not half the work.
  size_t maxChunks = 8 * (threads_.size() + 1);
  size_t chunks = std::min(maxChunks, (n + grain - 1) / grain);
  if (threads_.empty())
    chunks = 1;
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  // Chunks are claimed through a shared counter by the caller and by helper
  // jobs; a helper that starts late finds nothing left and returns.
  struct Shared {
    std::atomic<size_t> next{0};
    std::atomic<size_t> done{0};
    std::mutex m;
    std::condition_variable cv;
  };
  auto shared = std::make_shared<Shared>();
  size_t per = (n + chunks - 1) / chunks;
  auto work = [shared, per, n, chunks, &fn] {
    for (;;) {
      size_t c = shared->next.fetch_add(1);
      if (c >= chunks)
        return;
      size_t b = c * per, e = std::min(n, b + per);
      if (b < e)
        fn(b, e);
      if (shared->done.fetch_add(1) + 1 == chunks) {
        std::lock_guard<std::mutex> lock(shared->m);
        shared->cv.notify_all();
      }
    }
  };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 1; i < std::min(chunks, threads_.size() + 1); ++i)
      queue_.push_back(work);
  }
  cv_.notify_all();
  work();
  std::unique_lock<std::mutex> lock(shared->m);
  shared->cv.wait(lock, [&] { return shared->done.load() == chunks; });
}

ThreadPool &ThreadPool::global() {
  // NPU_SIM_THREADS bounds the host threads (tests pin it for stability).
  static ThreadPool pool([] {
    const char *env = std::getenv("NPU_SIM_THREADS");
    int n = env ? std::atoi(env) : 0;
    if (n <= 0)
      n = int(std::max(1u, std::thread::hardware_concurrency()));
    return unsigned(n - 1); // The caller is the n-th thread.
  }());
  return pool;
}

} // namespace npu::device
