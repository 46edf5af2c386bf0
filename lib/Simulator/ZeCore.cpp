//===- ZeCore.cpp - Driver, device, context and memory entry points -------===//
//
// The simulated driver exposes one device per platform of the hardware
// description (an NPU 3720 and an NPU 4000), both of type VPU. Device
// memory is host memory (as on the real integrated NPU, which shares DDR
// with the CPU); every allocation is recorded so that graph arguments can
// be checked against what was really allocated.
//
//===----------------------------------------------------------------------===//

#include "ZeEntryPoints.h"
#include "ZeObjects.h"

#include "npu/Arch/Hardware.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace npu::sim::ze {

namespace {
thread_local std::string tlsLastError;

std::mutex allocMutex;
std::map<uintptr_t, Allocation> &allocations() {
  static std::map<uintptr_t, Allocation> m;
  return m;
}
std::atomic<uint64_t> nextAllocId{1};

void copyName(char *dst, size_t cap, const std::string &s) {
  std::strncpy(dst, s.c_str(), cap - 1);
  dst[cap - 1] = '\0';
}

Device *device(ze_device_handle_t h) { return cast<Device>(h, Tag::Device); }
Context *context(ze_context_handle_t h) {
  return cast<Context>(h, Tag::Context);
}

ze_result_t allocate(ze_context_handle_t hContext, size_t size,
                     size_t alignment, Device *dev, ze_memory_type_t type,
                     void **pptr) {
  if (!context(hContext))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid context handle");
  if (!pptr)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pptr is null");
  if (size == 0)
    return fail(ZE_RESULT_ERROR_UNSUPPORTED_SIZE, "allocation of 0 bytes");
  if (alignment & (alignment - 1))
    return fail(ZE_RESULT_ERROR_UNSUPPORTED_ALIGNMENT,
                "alignment is not a power of two");
  // Page alignment at least: blobs' weights and DMA like it.
  size_t align = std::max<size_t>(alignment, 4096);
  if (size > SIZE_MAX - align)
    return fail(ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY,
                "cannot allocate " + std::to_string(size) + " bytes");
  size_t rounded = (size + align - 1) / align * align;
  void *p = std::aligned_alloc(align, rounded);
  if (!p)
    return fail(ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY,
                "cannot allocate " + std::to_string(size) + " bytes");
  std::lock_guard<std::mutex> lock(allocMutex);
  allocations()[uintptr_t(p)] = {p, size, type, dev, nextAllocId++};
  *pptr = p;
  return ZE_RESULT_SUCCESS;
}
} // namespace

ze_result_t fail(ze_result_t r, const std::string &message) {
  tlsLastError = message;
  return r;
}

const std::string &lastError() { return tlsLastError; }

bool findAllocation(const void *p, Allocation &out) {
  std::lock_guard<std::mutex> lock(allocMutex);
  auto &m = allocations();
  auto it = m.upper_bound(uintptr_t(p));
  if (it == m.begin())
    return false;
  --it;
  const Allocation &a = it->second;
  if (uintptr_t(p) >= uintptr_t(a.base) + a.size)
    return false;
  out = a;
  return true;
}

Driver::Driver() : Object(Tag::Driver) {
  for (arch::Platform p : {arch::Platform::NPU3720, arch::Platform::NPU4000})
    devices.push_back(std::make_unique<Device>(p));
}

Driver &driver() {
  static Driver d;
  return d;
}

ze_result_t checkContextDevice(ze_context_handle_t hContext,
                               ze_device_handle_t hDevice, Device *&d) {
  if (!context(hContext))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid context handle");
  if (!(d = device(hDevice)))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL init(ze_init_flags_t flags) {
  if (flags && !(flags & ZE_INIT_FLAG_VPU_ONLY))
    return fail(ZE_RESULT_ERROR_UNINITIALIZED,
                "the simulated NPU driver only serves VPU devices");
  driver();
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL driverGet(uint32_t *pCount,
                                 ze_driver_handle_t *phDrivers) {
  if (!pCount)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pCount is null");
  if (*pCount == 0 || !phDrivers) {
    *pCount = 1;
    return ZE_RESULT_SUCCESS;
  }
  *pCount = 1;
  phDrivers[0] = reinterpret_cast<ze_driver_handle_t>(&driver());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL driverGetApiVersion(ze_driver_handle_t h,
                                           ze_api_version_t *version) {
  if (!cast<Driver>(h, Tag::Driver))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!version)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "version is null");
  *version = ZE_API_VERSION_1_4;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL driverGetProperties(ze_driver_handle_t h,
                                           ze_driver_properties_t *p) {
  if (!cast<Driver>(h, Tag::Driver))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  std::memset(&p->uuid, 0, sizeof(p->uuid));
  std::memcpy(p->uuid.id, "npu-compile-sim", 15);
  // major.minor.patch of the project, as 8.8.16 bits.
  p->driverVersion = (0u << 24) | (1u << 16) | 0u;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL driverGetIpcProperties(ze_driver_handle_t h,
                                              ze_driver_ipc_properties_t *p) {
  if (!cast<Driver>(h, Tag::Driver))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  p->flags = 0;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL
driverGetExtensionProperties(ze_driver_handle_t h, uint32_t *pCount,
                             ze_driver_extension_properties_t *p) {
  if (!cast<Driver>(h, Tag::Driver))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!pCount)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pCount is null");
  const std::pair<const char *, uint32_t> exts[] = {
      {ZE_GRAPH_EXT_NAME, ZE_GRAPH_EXT_VERSION},
      {ZE_PROFILING_DATA_EXT_NAME, ZE_PROFILING_DATA_EXT_VERSION},
      {ZE_NPU_DEVICE_EXT_NAME, ZE_NPU_DEVICE_EXT_VERSION}};
  uint32_t n = 3;
  if (*pCount == 0 || !p) {
    *pCount = n;
    return ZE_RESULT_SUCCESS;
  }
  n = std::min(n, *pCount);
  for (uint32_t i = 0; i < n; ++i) {
    copyName(p[i].name, ZE_MAX_EXTENSION_NAME, exts[i].first);
    p[i].version = exts[i].second;
  }
  *pCount = n;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL driverGetExtensionFunctionAddress(
    ze_driver_handle_t h, const char *name, void **ppFunctionAddress) {
  if (!cast<Driver>(h, Tag::Driver))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!name || !ppFunctionAddress)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  std::string n = name;
  if (n == ZE_GRAPH_EXT_NAME)
    *ppFunctionAddress = const_cast<ze_graph_dditable_ext_t *>(&kGraphTable);
  else if (n == ZE_PROFILING_DATA_EXT_NAME)
    *ppFunctionAddress =
        const_cast<ze_graph_profiling_dditable_ext_t *>(&kProfilingTable);
  else if (n == ZE_NPU_DEVICE_EXT_NAME)
    *ppFunctionAddress =
        const_cast<ze_npu_device_dditable_ext_t *>(&kNpuDeviceTable);
  else
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "unknown extension '" + n + "'");
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGet(ze_driver_handle_t h, uint32_t *pCount,
                                 ze_device_handle_t *phDevices) {
  Driver *d = cast<Driver>(h, Tag::Driver);
  if (!d)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!pCount)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pCount is null");
  uint32_t n = uint32_t(d->devices.size());
  if (*pCount == 0 || !phDevices) {
    *pCount = n;
    return ZE_RESULT_SUCCESS;
  }
  n = std::min(n, *pCount);
  for (uint32_t i = 0; i < n; ++i)
    phDevices[i] = reinterpret_cast<ze_device_handle_t>(d->devices[i].get());
  *pCount = n;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGetSubDevices(ze_device_handle_t h,
                                           uint32_t *pCount,
                                           ze_device_handle_t *) {
  if (!device(h))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  if (!pCount)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pCount is null");
  *pCount = 0;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGetProperties(ze_device_handle_t h,
                                           ze_device_properties_t *p) {
  Device *d = device(h);
  if (!d)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  const arch::HardwareDesc &hw = arch::hardware(d->platform);
  void *next = p->pNext;
  ze_structure_type_t stype = p->stype;
  std::memset(p, 0, sizeof(*p));
  p->stype = stype;
  p->pNext = next;
  p->type = ZE_DEVICE_TYPE_VPU;
  p->vendorId = 0x8086;
  p->deviceId = hw.pciDeviceId;
  p->flags = ZE_DEVICE_PROPERTY_FLAG_INTEGRATED;
  p->coreClockRate = hw.dpuClockKHz / 1000;
  p->maxMemAllocSize = uint64_t(4) << 30;
  p->maxHardwareContexts = 1;
  p->numSlices = hw.numTiles;
  p->numSubslicesPerSlice = 1;
  p->numEUsPerSubslice = 1 + hw.shavesPerTile; // The DPU and the SHAVEs.
  p->timerResolution = 1;
  p->timestampValidBits = 64;
  p->kernelTimestampValidBits = 64;
  std::memcpy(p->uuid.id, &hw.pciDeviceId, sizeof(hw.pciDeviceId));
  copyName(p->name, ZE_MAX_DEVICE_NAME, hw.marketingName);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGetComputeProperties(
    ze_device_handle_t h, ze_device_compute_properties_t *p) {
  if (!device(h))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  void *next = p->pNext;
  ze_structure_type_t stype = p->stype;
  std::memset(p, 0, sizeof(*p));
  p->stype = stype;
  p->pNext = next;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGetMemoryProperties(
    ze_device_handle_t h, uint32_t *pCount, ze_device_memory_properties_t *p) {
  Device *d = device(h);
  if (!d)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  if (!pCount)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pCount is null");
  if (*pCount == 0 || !p) {
    *pCount = 2;
    return ZE_RESULT_SUCCESS;
  }
  const arch::HardwareDesc &hw = arch::hardware(d->platform);
  uint32_t n = std::min(2u, *pCount);
  for (uint32_t i = 0; i < n; ++i) {
    p[i].flags = 0;
    p[i].maxBusWidth = i == 0 ? 64 : hw.dmaBytesPerCycle * 8;
    p[i].maxClockRate = i == 0 ? 0 : hw.cmxClockKHz / 1000;
    p[i].totalSize =
        i == 0 ? uint64_t(16) << 30 : hw.cmxUsableBytes * hw.numTiles;
    copyName(p[i].name, ZE_MAX_DEVICE_NAME, i == 0 ? "DDR" : "CMX");
  }
  *pCount = n;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL
deviceGetCommandQueueGroupProperties(ze_device_handle_t h, uint32_t *pCount,
                                     ze_command_queue_group_properties_t *p) {
  if (!device(h))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  if (!pCount)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pCount is null");
  if (*pCount == 0 || !p) {
    *pCount = 1;
    return ZE_RESULT_SUCCESS;
  }
  p[0].flags = ZE_COMMAND_QUEUE_GROUP_PROPERTY_FLAG_COMPUTE |
               ZE_COMMAND_QUEUE_GROUP_PROPERTY_FLAG_COPY;
  p[0].maxMemoryFillPatternSize = 4;
  p[0].numQueues = 64;
  *pCount = 1;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGetStatus(ze_device_handle_t h) {
  return device(h) ? ZE_RESULT_SUCCESS
                   : fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                          "invalid device handle");
}

ze_result_t ZE_APICALL contextCreate(ze_driver_handle_t h,
                                     const ze_context_desc_t *desc,
                                     ze_context_handle_t *ph) {
  if (!cast<Driver>(h, Tag::Driver))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid driver handle");
  if (!desc || !ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  *ph = reinterpret_cast<ze_context_handle_t>(new Context());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL contextDestroy(ze_context_handle_t h) {
  return destroy<Context>(h, Tag::Context, "context");
}

ze_result_t ZE_APICALL contextGetStatus(ze_context_handle_t h) {
  return context(h) ? ZE_RESULT_SUCCESS
                    : fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                           "invalid context handle");
}

ze_result_t ZE_APICALL memAllocHost(ze_context_handle_t hContext,
                                    const ze_host_mem_alloc_desc_t *,
                                    size_t size, size_t alignment,
                                    void **pptr) {
  return allocate(hContext, size, alignment, nullptr, ZE_MEMORY_TYPE_HOST,
                  pptr);
}

ze_result_t ZE_APICALL memAllocDevice(ze_context_handle_t hContext,
                                      const ze_device_mem_alloc_desc_t *,
                                      size_t size, size_t alignment,
                                      ze_device_handle_t hDevice, void **pptr) {
  Device *d = device(hDevice);
  if (!d)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  return allocate(hContext, size, alignment, d, ZE_MEMORY_TYPE_DEVICE, pptr);
}

ze_result_t ZE_APICALL memAllocShared(ze_context_handle_t hContext,
                                      const ze_device_mem_alloc_desc_t *,
                                      const ze_host_mem_alloc_desc_t *,
                                      size_t size, size_t alignment,
                                      ze_device_handle_t hDevice, void **pptr) {
  Device *d = hDevice ? device(hDevice) : nullptr;
  if (hDevice && !d)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  return allocate(hContext, size, alignment, d, ZE_MEMORY_TYPE_SHARED, pptr);
}

ze_result_t ZE_APICALL memFree(ze_context_handle_t hContext, void *ptr) {
  if (!context(hContext))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid context handle");
  std::lock_guard<std::mutex> lock(allocMutex);
  auto it = allocations().find(uintptr_t(ptr));
  if (it == allocations().end())
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "zeMemFree of a pointer this driver did not allocate");
  std::free(it->second.base);
  allocations().erase(it);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL memGetAllocProperties(
    ze_context_handle_t hContext, const void *ptr,
    ze_memory_allocation_properties_t *p, ze_device_handle_t *phDevice) {
  if (!context(hContext))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid context handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  Allocation a;
  if (!findAllocation(ptr, a)) {
    p->type = ZE_MEMORY_TYPE_UNKNOWN;
    p->id = 0;
    p->pageSize = 0;
    if (phDevice)
      *phDevice = nullptr;
    return ZE_RESULT_SUCCESS;
  }
  p->type = a.type;
  p->id = a.id;
  p->pageSize = 4096;
  if (phDevice)
    *phDevice = reinterpret_cast<ze_device_handle_t>(a.device);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL memGetAddressRange(ze_context_handle_t hContext,
                                          const void *ptr, void **pBase,
                                          size_t *pSize) {
  if (!context(hContext))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid context handle");
  Allocation a;
  if (!findAllocation(ptr, a))
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "pointer was not allocated by this driver");
  if (pBase)
    *pBase = a.base;
  if (pSize)
    *pSize = a.size;
  return ZE_RESULT_SUCCESS;
}

} // namespace npu::sim::ze
