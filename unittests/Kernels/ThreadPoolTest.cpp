//===- ThreadPoolTest.cpp - The kernels' thread pool and SIMD levels ------===//

#include "npu/Kernels/ThreadPool.h"
#include "npu/Kernels/Cpu.h"

#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <vector>

using namespace npu::kernels;

TEST(ThreadPool, EveryTaskRunsExactlyOnce) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.numThreads(), threads);
    for (int64_t n : {0, 1, 3, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      for (int rep = 0; rep < 20; ++rep)
        pool.parallelFor(n, [&](int64_t i) { hits[i].fetch_add(1); });
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 20)
            << "task " << i << ", " << threads << " threads";
    }
  }
}

TEST(ThreadPool, NestedLoopsRunInlineAndRangesCoverEverything) {
  ThreadPool pool(3);
  std::atomic<int64_t> sum{0};
  pool.parallelFor(8, [&](int64_t i) {
    // Nested use from a task must not deadlock.
    parallelFor(&pool, 10, [&](int64_t j) { sum += i * 10 + j; });
  });
  EXPECT_EQ(sum.load(), 79 * 80 / 2);
  for (int64_t total : {1, 7, 100000}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(total));
    parallelForRange(&pool, total, 100, [&](int64_t b, int64_t e) {
      ASSERT_LT(b, e);
      for (int64_t i = b; i < e; ++i)
        hits[i]++;
    });
    for (int64_t i = 0; i < total; ++i)
      ASSERT_EQ(hits[i].load(), 1);
  }
  // Without a pool everything runs on the caller.
  std::thread::id caller = std::this_thread::get_id();
  parallelFor(nullptr, 5,
              [&](int64_t) { EXPECT_EQ(std::this_thread::get_id(), caller); });
}

TEST(ThreadPool, CallersFromSeveralThreadsShareOnePool) {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c)
    callers.emplace_back([&] {
      for (int rep = 0; rep < 50; ++rep)
        pool.parallelFor(16, [&](int64_t) { total++; });
    });
  for (std::thread &t : callers)
    t.join();
  EXPECT_EQ(total.load(), 3 * 50 * 16);
}

TEST(ThreadPool, EnvironmentSetsTheDefaultThreads) {
  const char *saved = std::getenv("NPU_KERNELS_THREADS");
  std::string keep = saved ? saved : "";
  unsetenv("NPU_KERNELS_THREADS");
  int hardware = ThreadPool::hardwareThreads();
  setenv("NPU_KERNELS_THREADS", "3", 1);
  EXPECT_EQ(ThreadPool::hardwareThreads(), 3);
  EXPECT_EQ(ThreadPool(0).numThreads(), 3);
  EXPECT_EQ(ThreadPool(2).numThreads(), 2); // An explicit count wins.
  for (const char *ignored : {"0", "-2", "abc", "4x", "", "100000"}) {
    setenv("NPU_KERNELS_THREADS", ignored, 1);
    EXPECT_EQ(ThreadPool::hardwareThreads(), hardware) << ignored;
  }
  if (saved)
    setenv("NPU_KERNELS_THREADS", keep.c_str(), 1);
  else
    unsetenv("NPU_KERNELS_THREADS");
}

TEST(Cpu, LevelsCanBeLoweredNotRaised) {
  SimdLevel detected = detectedSimdLevel();
  SimdLevel saved = activeSimdLevel();
  EXPECT_TRUE(setSimdLevel(SimdLevel::Generic));
  EXPECT_EQ(activeSimdLevel(), SimdLevel::Generic);
  if (detected != SimdLevel::Avx512)
    EXPECT_FALSE(setSimdLevel(SimdLevel::Avx512));
  EXPECT_TRUE(setSimdLevel(detected));
  EXPECT_STREQ(simdLevelName(SimdLevel::Avx2), "avx2");
  setSimdLevel(saved);
}

TEST(Cpu, ReproducibleScopeCapsAtAvx2AndRestores) {
  SimdLevel saved = activeSimdLevel();
  auto atMost = [](SimdLevel a, SimdLevel b) {
    return static_cast<int>(a) <= static_cast<int>(b);
  };
  {
    ReproducibleSimdScope outer;
    EXPECT_TRUE(atMost(activeSimdLevel(), kReproducibleSimdLevel));
    {
      ReproducibleSimdScope inner;
      EXPECT_TRUE(atMost(activeSimdLevel(), kReproducibleSimdLevel));
    }
    // The inner scope's end leaves the outer one's cap.
    EXPECT_TRUE(atMost(activeSimdLevel(), kReproducibleSimdLevel));
  }
  EXPECT_EQ(activeSimdLevel(), saved);
  // A lower level than the cap stays as it is.
  ASSERT_TRUE(setSimdLevel(SimdLevel::Generic));
  {
    ReproducibleSimdScope scope;
    EXPECT_EQ(activeSimdLevel(), SimdLevel::Generic);
  }
  EXPECT_EQ(activeSimdLevel(), SimdLevel::Generic);
  setSimdLevel(saved);
}
