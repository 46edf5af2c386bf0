//===- ThreadPool.cpp - A small fork-join thread pool for kernels ---------===//
//
// Workers sleep on a condition variable until a job is published; tasks are
// handed out through an atomic counter so that uneven tasks balance. The
// machine this runs on is shared, so idle workers block rather than spin.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace npu::kernels {

namespace {
// True on a thread while it executes tasks of some pool: nested parallel
// loops then run inline instead of deadlocking on the pool.
thread_local bool insideTask = false;
} // namespace

struct ThreadPool::Shared {
  std::mutex submitMutex; // one job at a time per pool
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  std::vector<std::thread> workers;
  bool stopping = false;
  uint64_t generation = 0;

  // The current job.
  const std::function<void(int64_t)> *fn = nullptr;
  int64_t numTasks = 0;
  std::atomic<int64_t> next{0};
  // Workers that have not yet finished the current job. The caller waits
  // for all of them, so no worker can still be inside a job when the next
  // one is published.
  int pendingWorkers = 0;

  void runTasks() {
    bool wasInside = insideTask;
    insideTask = true;
    for (;;) {
      int64_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= numTasks)
        break;
      (*fn)(i);
    }
    insideTask = wasInside;
  }

  void workerLoop() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
      lock.unlock();
      runTasks();
      lock.lock();
      if (--pendingWorkers == 0)
        done.notify_all();
    }
  }
};

int ThreadPool::hardwareThreads() {
  // NPU_KERNELS_THREADS=N (a positive integer) caps the threads, as
  // OMP_NUM_THREADS does for OpenMP programs: for a shared machine, and for
  // checking that results do not depend on the thread count.
  if (const char *env = std::getenv("NPU_KERNELS_THREADS")) {
    char *end = nullptr;
    long wanted = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && wanted > 0 && wanted <= 1024)
      return static_cast<int>(wanted);
  }
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool::ThreadPool(int numThreads)
    : numThreads_(numThreads > 0 ? numThreads : hardwareThreads()),
      shared_(std::make_unique<Shared>()) {
  for (int i = 1; i < numThreads_; ++i)
    shared_->workers.emplace_back([s = shared_.get()] { s->workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->wake.notify_all();
  for (std::thread &t : shared_->workers)
    t.join();
}

void ThreadPool::parallelFor(int64_t numTasks,
                             const std::function<void(int64_t)> &fn) {
  if (numTasks <= 0)
    return;
  if (numThreads_ == 1 || numTasks == 1 || insideTask) {
    for (int64_t i = 0; i < numTasks; ++i)
      fn(i);
    return;
  }
  Shared &s = *shared_;
  std::lock_guard<std::mutex> submit(s.submitMutex);
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.fn = &fn;
    s.numTasks = numTasks;
    s.next.store(0, std::memory_order_relaxed);
    s.pendingWorkers = static_cast<int>(s.workers.size());
    ++s.generation;
  }
  s.wake.notify_all();
  s.runTasks();
  // Workers that woke late find no task left and return at once; wait for
  // every one of them so that `fn` outlives its last use.
  std::unique_lock<std::mutex> lock(s.mutex);
  s.done.wait(lock, [&] { return s.pendingWorkers == 0; });
  s.fn = nullptr;
}

void parallelFor(ThreadPool *pool, int64_t numTasks,
                 const std::function<void(int64_t)> &fn) {
  if (pool && pool->numThreads() > 1 && numTasks > 1) {
    pool->parallelFor(numTasks, fn);
    return;
  }
  for (int64_t i = 0; i < numTasks; ++i)
    fn(i);
}

void parallelForRange(ThreadPool *pool, int64_t total, int64_t minChunk,
                      const std::function<void(int64_t, int64_t)> &fn) {
  if (total <= 0)
    return;
  int64_t threads = poolThreads(pool);
  minChunk = std::max<int64_t>(minChunk, 1);
  int64_t chunks =
      std::min<int64_t>(threads, (total + minChunk - 1) / minChunk);
  if (chunks <= 1) {
    fn(0, total);
    return;
  }
  int64_t per = (total + chunks - 1) / chunks;
  parallelFor(pool, chunks, [&](int64_t c) {
    int64_t begin = c * per, end = std::min(total, begin + per);
    if (begin < end)
      fn(begin, end);
  });
}

} // namespace npu::kernels
