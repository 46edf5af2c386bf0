//===- LevelZeroTest.cpp - The driver's Level Zero entry points -----------===//
//
// Calls the simulated driver through the real loader (libze_loader), as any
// Level Zero application would, using the runtime only to initialise it.
//
//===----------------------------------------------------------------------===//

#include "../../lib/Runtime/LevelZero.h"

#include "npu/Blob/Samples/Samples.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace npu;
using npu::runtime::LevelZero;
using npu::runtime::zeDesc;

namespace {

struct L0 : ::testing::Test {
  void SetUp() override {
    auto l = LevelZero::get();
    ASSERT_TRUE(l.ok()) << l.message();
    l0 = *l;
    dev = l0->devices[0].handle; // NPU3720
    rawDev = l0->devices[0].raw;
  }
  std::string lastError() {
    uint32_t n = 0;
    l0->npu->pfnGetLastErrorString(&n, nullptr);
    std::string s(n, '\0');
    l0->npu->pfnGetLastErrorString(&n, s.data());
    s.resize(n ? n - 1 : 0);
    return s;
  }
  ze_graph_handle_t createGraph(const std::vector<uint8_t> &b,
                                ze_result_t expect = ZE_RESULT_SUCCESS) {
    ze_graph_desc_t d{};
    d.stype = ZE_STRUCTURE_TYPE_GRAPH_DESC;
    d.format = ZE_GRAPH_FORMAT_NATIVE;
    d.inputSize = b.size();
    d.pInput = b.data();
    ze_graph_handle_t g = nullptr;
    EXPECT_EQ(l0->graph->pfnCreate(l0->rawContext, rawDev, &d, &g), expect);
    return g;
  }
  ze_result_t run(ze_graph_handle_t g, bool init,
                  ze_graph_profiling_query_handle_t q = nullptr) {
    auto qd =
        zeDesc<ze_command_queue_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
    auto ld =
        zeDesc<ze_command_list_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC);
    ze_command_queue_handle_t queue;
    ze_command_list_handle_t list;
    EXPECT_EQ(zeCommandQueueCreate(l0->context, dev, &qd, &queue),
              ZE_RESULT_SUCCESS);
    EXPECT_EQ(zeCommandListCreate(l0->context, dev, &ld, &list),
              ZE_RESULT_SUCCESS);
    auto raw = l0->translate(ZEL_HANDLE_COMMAND_LIST, list);
    if (init)
      EXPECT_EQ(
          l0->graph->pfnAppendGraphInitialize(raw, g, nullptr, 0, nullptr),
          ZE_RESULT_SUCCESS);
    ze_result_t r =
        l0->graph->pfnAppendGraphExecute(raw, g, q, nullptr, 0, nullptr);
    if (r == ZE_RESULT_SUCCESS) {
      EXPECT_EQ(zeCommandListClose(list), ZE_RESULT_SUCCESS);
      EXPECT_EQ(zeCommandQueueExecuteCommandLists(queue, 1, &list, nullptr),
                ZE_RESULT_SUCCESS);
      r = zeCommandQueueSynchronize(queue, UINT64_MAX);
    }
    zeCommandListDestroy(list);
    zeCommandQueueDestroy(queue);
    return r;
  }
  std::shared_ptr<LevelZero> l0;
  ze_device_handle_t dev = nullptr, rawDev = nullptr;
};

std::vector<uint8_t> sample(arch::Platform p, const std::string &name) {
  for (blob::SampleBlob &s : blob::makeSampleBlobs(p))
    if (s.name == name)
      return s.bytes;
  return {};
}

} // namespace

// The connection is shared while someone holds it and released (its context
// destroyed: LeakSanitizer builds fail on a context never destroyed) when
// the last holder goes; the next get() connects again, to the same driver,
// without mistaking the runtime's own ZE_ENABLE_ALT_DRIVERS for the user's.
TEST(L0Connection, SharedWhileHeldAndReopenedAfterRelease) {
  std::weak_ptr<LevelZero> first;
  {
    auto a = LevelZero::get();
    ASSERT_TRUE(a.ok()) << a.message();
    auto b = LevelZero::get();
    ASSERT_TRUE(b.ok()) << b.message();
    EXPECT_EQ(a->get(), b->get());
    first = *a;
  }
  EXPECT_TRUE(first.expired());
  auto again = LevelZero::get();
  ASSERT_TRUE(again.ok()) << again.message();
  ASSERT_NE((*again)->context, nullptr);
  EXPECT_EQ(zeContextGetStatus((*again)->context), ZE_RESULT_SUCCESS);
  EXPECT_EQ((*again)->devices.size(), 2u);
  for (const std::string &note : (*again)->notes)
    EXPECT_EQ(note.find("ZE_ENABLE_ALT_DRIVERS"), std::string::npos) << note;
}

TEST_F(L0, DriverAndDevices) {
  ze_api_version_t v;
  EXPECT_EQ(zeDriverGetApiVersion(l0->driver, &v), ZE_RESULT_SUCCESS);
  EXPECT_EQ(ZE_MAJOR_VERSION(v), 1u);
  uint32_t n = 0;
  EXPECT_EQ(zeDriverGetExtensionProperties(l0->driver, &n, nullptr),
            ZE_RESULT_SUCCESS);
  std::vector<ze_driver_extension_properties_t> exts(n);
  zeDriverGetExtensionProperties(l0->driver, &n, exts.data());
  std::vector<std::string> names;
  for (auto &e : exts)
    names.push_back(e.name);
  EXPECT_NE(std::find(names.begin(), names.end(), ZE_GRAPH_EXT_NAME),
            names.end());
  void *fn = nullptr;
  EXPECT_NE(
      zeDriverGetExtensionFunctionAddress(l0->driver, "ZE_no_such_ext", &fn),
      ZE_RESULT_SUCCESS);
  uint32_t nd = 0;
  zeDeviceGet(l0->driver, &nd, nullptr);
  ASSERT_EQ(nd, 2u);
  std::vector<ze_device_handle_t> devs(nd);
  zeDeviceGet(l0->driver, &nd, devs.data());
  const char *names2[] = {"NPU 3720", "NPU 4000"};
  uint32_t slices[] = {2, 6};
  for (uint32_t i = 0; i < nd; ++i) {
    auto p =
        zeDesc<ze_device_properties_t>(ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES);
    ASSERT_EQ(zeDeviceGetProperties(devs[i], &p), ZE_RESULT_SUCCESS);
    EXPECT_EQ(p.type, ZE_DEVICE_TYPE_VPU);
    EXPECT_EQ(p.vendorId, 0x8086u);
    EXPECT_EQ(p.numSlices, slices[i]);
    EXPECT_NE(std::string(p.name).find(names2[i]), std::string::npos);
    uint32_t nm = 0;
    zeDeviceGetMemoryProperties(devs[i], &nm, nullptr);
    EXPECT_EQ(nm, 2u);
  }
}

TEST_F(L0, MemoryAllocationsAreTracked) {
  auto hd =
      zeDesc<ze_host_mem_alloc_desc_t>(ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
  void *p = nullptr;
  ASSERT_EQ(zeMemAllocHost(l0->context, &hd, 1000, 64, &p), ZE_RESULT_SUCCESS);
  auto props = zeDesc<ze_memory_allocation_properties_t>(
      ZE_STRUCTURE_TYPE_MEMORY_ALLOCATION_PROPERTIES);
  ze_device_handle_t owner;
  EXPECT_EQ(zeMemGetAllocProperties(l0->context, static_cast<char *>(p) + 10,
                                    &props, &owner),
            ZE_RESULT_SUCCESS);
  EXPECT_EQ(props.type, ZE_MEMORY_TYPE_HOST);
  void *base;
  size_t size;
  EXPECT_EQ(zeMemGetAddressRange(l0->context, static_cast<char *>(p) + 10,
                                 &base, &size),
            ZE_RESULT_SUCCESS);
  EXPECT_EQ(base, p);
  EXPECT_EQ(size, 1000u);
  EXPECT_EQ(zeMemFree(l0->context, p), ZE_RESULT_SUCCESS);
  int local;
  EXPECT_NE(zeMemFree(l0->context, &local), ZE_RESULT_SUCCESS);
}

TEST_F(L0, GraphCreateRejectsBadBlobsWithABuildLog) {
  std::vector<uint8_t> junk(200, 0x42);
  createGraph(junk, ZE_RESULT_ERROR_INVALID_NATIVE_BINARY);
  uint32_t n = 0;
  l0->graph->pfnBuildLogGetString(nullptr, &n, nullptr);
  std::string log(n, '\0');
  l0->graph->pfnBuildLogGetString(nullptr, &n, log.data());
  EXPECT_NE(log.find("bad magic"), std::string::npos) << log;
  // A blob for the other platform.
  createGraph(sample(arch::Platform::NPU4000, "maxpool_int8"),
              ZE_RESULT_ERROR_INVALID_NATIVE_BINARY);
}

TEST_F(L0, GraphPropertiesArgumentsAndExecution) {
  std::vector<uint8_t> b = sample(arch::Platform::NPU3720, "eltwise_add_int8");
  ze_graph_handle_t g = createGraph(b);
  ASSERT_TRUE(g);
  ze_graph_properties_t gp{};
  ASSERT_EQ(l0->graph->pfnGetProperties(g, &gp), ZE_RESULT_SUCCESS);
  ASSERT_EQ(gp.numGraphArgs, 3u);
  ze_graph_argument_properties_t ap{};
  ASSERT_EQ(l0->graph->pfnGetArgumentProperties(g, 2, &ap), ZE_RESULT_SUCCESS);
  EXPECT_EQ(ap.type, ZE_GRAPH_ARGUMENT_TYPE_OUTPUT);
  EXPECT_STREQ(ap.name, "sum");
  EXPECT_EQ(ap.dims_count, 4u);
  EXPECT_EQ(ap.dims[3], 32u);
  EXPECT_EQ(ap.devicePrecision, ZE_GRAPH_ARGUMENT_PRECISION_INT8);
  EXPECT_EQ(ap.deviceLayout, ZE_GRAPH_ARGUMENT_LAYOUT_NHWC);
  EXPECT_FLOAT_EQ(ap.quantScale, 0.12f);
  EXPECT_EQ(ap.quantZeroPoint, 1);
  EXPECT_NE(l0->graph->pfnGetArgumentProperties(g, 3, &ap), ZE_RESULT_SUCCESS);
  size_t size = 0;
  ASSERT_EQ(l0->graph->pfnGetNativeBinary(g, &size, nullptr),
            ZE_RESULT_SUCCESS);
  std::vector<uint8_t> copy(size);
  ASSERT_EQ(l0->graph->pfnGetNativeBinary(g, &size, copy.data()),
            ZE_RESULT_SUCCESS);
  EXPECT_EQ(copy, b);

  // Executing with arguments unset fails at append time.
  EXPECT_EQ(run(g, true), ZE_RESULT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("input 'a' has no memory"), std::string::npos);

  // Memory not from zeMemAlloc*: a device error at execution.
  std::vector<int8_t> a(8192, 1), bb(8192, 2), out(8192);
  l0->graph->pfnSetArgumentValue(g, 0, a.data());
  l0->graph->pfnSetArgumentValue(g, 1, bb.data());
  l0->graph->pfnSetArgumentValue(g, 2, out.data());
  EXPECT_EQ(run(g, true), ZE_RESULT_ERROR_UNKNOWN);
  EXPECT_NE(lastError().find("not allocated with zeMemAlloc"),
            std::string::npos)
      << lastError();

  // Driver memory that is too small: a device error too.
  auto hd =
      zeDesc<ze_host_mem_alloc_desc_t>(ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
  void *mem[3];
  for (void *&m : mem)
    ASSERT_EQ(zeMemAllocHost(l0->context, &hd, 8192, 64, &m),
              ZE_RESULT_SUCCESS);
  for (uint32_t i = 0; i < 3; ++i)
    l0->graph->pfnSetArgumentValue(g, i, mem[i]);
  l0->graph->pfnSetArgumentValue(g, 1, static_cast<char *>(mem[1]) + 4096);
  EXPECT_EQ(run(g, true), ZE_RESULT_ERROR_UNKNOWN);
  EXPECT_NE(lastError().find("input 'b' is bound to 4096 bytes"),
            std::string::npos)
      << lastError();

  // Proper memory: runs; the profiling query holds the timeline.
  l0->graph->pfnSetArgumentValue(g, 1, mem[1]);
  std::memset(mem[0], 3, 8192); // a == its zero point -> contributes 0
  std::memset(mem[1], 8, 8192); // (8 + 2) * 16384 * 27307 >> 29 = 8.3 -> 8
  ze_graph_profiling_pool_handle_t pool;
  ze_graph_profiling_query_handle_t q;
  ASSERT_EQ(l0->profiling->pfnProfilingPoolCreate(g, 1, &pool),
            ZE_RESULT_SUCCESS);
  ASSERT_EQ(l0->profiling->pfnProfilingQueryCreate(pool, 0, &q),
            ZE_RESULT_SUCCESS);
  uint32_t psize = 0;
  EXPECT_EQ(l0->profiling->pfnProfilingQueryGetData(q, ZE_GRAPH_PROFILING_RAW,
                                                    &psize, nullptr),
            ZE_RESULT_NOT_READY);
  ASSERT_EQ(run(g, true, q), ZE_RESULT_SUCCESS) << lastError();
  for (int i = 0; i < 8192; ++i)
    ASSERT_EQ(static_cast<int8_t *>(mem[2])[i], 9) << i; // 8 + zero point 1
  ze_graph_profiling_summary_t sum{};
  psize = sizeof(sum);
  ASSERT_EQ(
      l0->profiling->pfnProfilingQueryGetData(
          q, ZE_GRAPH_PROFILING_RAW, &psize, reinterpret_cast<uint8_t *>(&sum)),
      ZE_RESULT_SUCCESS);
  EXPECT_GT(sum.totalCycles, 0u);
  EXPECT_EQ(sum.numTasks, 4u);
  EXPECT_EQ(sum.dpuClockKHz, 1300000u);
  psize = 0;
  l0->profiling->pfnProfilingQueryGetData(q, ZE_GRAPH_PROFILING_TASK_LEVEL,
                                          &psize, nullptr);
  EXPECT_EQ(psize, 4 * sizeof(ze_graph_profiling_task_info_t));
  l0->profiling->pfnProfilingQueryDestroy(q);
  l0->profiling->pfnProfilingPoolDestroy(pool);
  for (void *m : mem)
    zeMemFree(l0->context, m);
  EXPECT_EQ(l0->graph->pfnDestroy(g), ZE_RESULT_SUCCESS);
}

TEST_F(L0, ExecuteBeforeInitializeIsAnError) {
  ze_graph_handle_t g =
      createGraph(sample(arch::Platform::NPU3720, "softmax_fp16"));
  auto hd =
      zeDesc<ze_host_mem_alloc_desc_t>(ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
  void *mem[2];
  for (uint32_t i = 0; i < 2; ++i) {
    ASSERT_EQ(zeMemAllocHost(l0->context, &hd, 2000, 64, &mem[i]),
              ZE_RESULT_SUCCESS);
    l0->graph->pfnSetArgumentValue(g, i, mem[i]);
  }
  EXPECT_EQ(run(g, false), ZE_RESULT_ERROR_UNKNOWN);
  EXPECT_NE(lastError().find("before zeAppendGraphInitialize"),
            std::string::npos);
  for (void *m : mem)
    zeMemFree(l0->context, m);
  l0->graph->pfnDestroy(g);
}

TEST_F(L0, EventsAndFences) {
  auto pd = zeDesc<ze_event_pool_desc_t>(ZE_STRUCTURE_TYPE_EVENT_POOL_DESC);
  pd.count = 2;
  ze_event_pool_handle_t pool;
  ASSERT_EQ(zeEventPoolCreate(l0->context, &pd, 1, &dev, &pool),
            ZE_RESULT_SUCCESS);
  auto ed = zeDesc<ze_event_desc_t>(ZE_STRUCTURE_TYPE_EVENT_DESC);
  ze_event_handle_t start, done;
  ASSERT_EQ(zeEventCreate(pool, &ed, &start), ZE_RESULT_SUCCESS);
  ed.index = 1;
  ASSERT_EQ(zeEventCreate(pool, &ed, &done), ZE_RESULT_SUCCESS);
  ed.index = 2;
  ze_event_handle_t bad;
  EXPECT_NE(zeEventCreate(pool, &ed, &bad), ZE_RESULT_SUCCESS);

  auto qd =
      zeDesc<ze_command_queue_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
  auto ld = zeDesc<ze_command_list_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC);
  auto fd = zeDesc<ze_fence_desc_t>(ZE_STRUCTURE_TYPE_FENCE_DESC);
  ze_command_queue_handle_t q;
  ze_command_list_handle_t list;
  ze_fence_handle_t fence;
  ASSERT_EQ(zeCommandQueueCreate(l0->context, dev, &qd, &q), ZE_RESULT_SUCCESS);
  ASSERT_EQ(zeCommandListCreate(l0->context, dev, &ld, &list),
            ZE_RESULT_SUCCESS);
  ASSERT_EQ(zeFenceCreate(q, &fd, &fence), ZE_RESULT_SUCCESS);
  int src = 42, dst = 0;
  // The copy waits for `start`, which the host signals later.
  ASSERT_EQ(zeCommandListAppendMemoryCopy(list, &dst, &src, sizeof(int), done,
                                          1, &start),
            ZE_RESULT_SUCCESS);
  // Executing an open list is refused.
  EXPECT_NE(zeCommandQueueExecuteCommandLists(q, 1, &list, fence),
            ZE_RESULT_SUCCESS);
  ASSERT_EQ(zeCommandListClose(list), ZE_RESULT_SUCCESS);
  ASSERT_EQ(zeCommandQueueExecuteCommandLists(q, 1, &list, fence),
            ZE_RESULT_SUCCESS);
  EXPECT_EQ(zeFenceQueryStatus(fence), ZE_RESULT_NOT_READY);
  EXPECT_EQ(zeEventQueryStatus(done), ZE_RESULT_NOT_READY);
  EXPECT_EQ(zeEventHostSignal(start), ZE_RESULT_SUCCESS);
  EXPECT_EQ(zeFenceHostSynchronize(fence, UINT64_MAX), ZE_RESULT_SUCCESS);
  EXPECT_EQ(zeEventHostSynchronize(done, UINT64_MAX), ZE_RESULT_SUCCESS);
  EXPECT_EQ(dst, 42);
  EXPECT_EQ(zeEventHostReset(done), ZE_RESULT_SUCCESS);
  EXPECT_EQ(zeEventQueryStatus(done), ZE_RESULT_NOT_READY);
  zeFenceDestroy(fence);
  zeCommandListDestroy(list);
  zeCommandQueueDestroy(q);
  zeEventDestroy(start);
  zeEventDestroy(done);
  zeEventPoolDestroy(pool);
}
