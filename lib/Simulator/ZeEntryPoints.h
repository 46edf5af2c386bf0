//===- ZeEntryPoints.h - The Level Zero functions the driver implements ---===//
//
// Private to the driver: declared here, defined in ZeCore.cpp (driver,
// device, context, memory), ZeQueue.cpp (queues, lists, fences, events) and
// ZeGraph.cpp (graph, profiling and NPU device extensions), and put into
// the loader's tables by ZeTables.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_SIMULATOR_ZEENTRYPOINTS_H
#define NPU_LIB_SIMULATOR_ZEENTRYPOINTS_H

#include "npu/Simulator/ze_graph_ext.h"

namespace npu::sim::ze {

// Driver and device.
ze_result_t ZE_APICALL init(ze_init_flags_t flags);
ze_result_t ZE_APICALL driverGet(uint32_t *pCount,
                                 ze_driver_handle_t *phDrivers);
ze_result_t ZE_APICALL driverGetApiVersion(ze_driver_handle_t,
                                           ze_api_version_t *version);
ze_result_t ZE_APICALL driverGetProperties(ze_driver_handle_t,
                                           ze_driver_properties_t *p);
ze_result_t ZE_APICALL driverGetIpcProperties(ze_driver_handle_t,
                                              ze_driver_ipc_properties_t *p);
ze_result_t ZE_APICALL driverGetExtensionProperties(
    ze_driver_handle_t, uint32_t *pCount, ze_driver_extension_properties_t *p);
ze_result_t ZE_APICALL driverGetExtensionFunctionAddress(
    ze_driver_handle_t, const char *name, void **ppFunctionAddress);
ze_result_t ZE_APICALL deviceGet(ze_driver_handle_t, uint32_t *pCount,
                                 ze_device_handle_t *phDevices);
ze_result_t ZE_APICALL deviceGetSubDevices(ze_device_handle_t, uint32_t *pCount,
                                           ze_device_handle_t *);
ze_result_t ZE_APICALL deviceGetProperties(ze_device_handle_t,
                                           ze_device_properties_t *p);
ze_result_t ZE_APICALL deviceGetComputeProperties(
    ze_device_handle_t, ze_device_compute_properties_t *p);
ze_result_t ZE_APICALL deviceGetMemoryProperties(
    ze_device_handle_t, uint32_t *pCount, ze_device_memory_properties_t *p);
ze_result_t ZE_APICALL
deviceGetCommandQueueGroupProperties(ze_device_handle_t, uint32_t *pCount,
                                     ze_command_queue_group_properties_t *p);
ze_result_t ZE_APICALL deviceGetStatus(ze_device_handle_t);

// Context and memory.
ze_result_t ZE_APICALL contextCreate(ze_driver_handle_t,
                                     const ze_context_desc_t *,
                                     ze_context_handle_t *);
ze_result_t ZE_APICALL contextDestroy(ze_context_handle_t);
ze_result_t ZE_APICALL contextGetStatus(ze_context_handle_t);
ze_result_t ZE_APICALL memAllocHost(ze_context_handle_t,
                                    const ze_host_mem_alloc_desc_t *,
                                    size_t size, size_t alignment, void **pptr);
ze_result_t ZE_APICALL memAllocDevice(ze_context_handle_t,
                                      const ze_device_mem_alloc_desc_t *,
                                      size_t size, size_t alignment,
                                      ze_device_handle_t, void **pptr);
ze_result_t ZE_APICALL memAllocShared(ze_context_handle_t,
                                      const ze_device_mem_alloc_desc_t *,
                                      const ze_host_mem_alloc_desc_t *,
                                      size_t size, size_t alignment,
                                      ze_device_handle_t, void **pptr);
ze_result_t ZE_APICALL memFree(ze_context_handle_t, void *ptr);
ze_result_t ZE_APICALL memGetAllocProperties(
    ze_context_handle_t, const void *ptr, ze_memory_allocation_properties_t *p,
    ze_device_handle_t *phDevice);
ze_result_t ZE_APICALL memGetAddressRange(ze_context_handle_t, const void *ptr,
                                          void **pBase, size_t *pSize);

// Queues, lists, fences, events.
ze_result_t ZE_APICALL queueCreate(ze_context_handle_t, ze_device_handle_t,
                                   const ze_command_queue_desc_t *,
                                   ze_command_queue_handle_t *);
ze_result_t ZE_APICALL queueDestroy(ze_command_queue_handle_t);
ze_result_t ZE_APICALL queueExecuteCommandLists(ze_command_queue_handle_t,
                                                uint32_t num,
                                                ze_command_list_handle_t *lists,
                                                ze_fence_handle_t);
ze_result_t ZE_APICALL queueSynchronize(ze_command_queue_handle_t,
                                        uint64_t timeout);
ze_result_t ZE_APICALL listCreate(ze_context_handle_t, ze_device_handle_t,
                                  const ze_command_list_desc_t *,
                                  ze_command_list_handle_t *);
ze_result_t ZE_APICALL listDestroy(ze_command_list_handle_t);
ze_result_t ZE_APICALL listClose(ze_command_list_handle_t);
ze_result_t ZE_APICALL listReset(ze_command_list_handle_t);
ze_result_t ZE_APICALL listAppendBarrier(ze_command_list_handle_t,
                                         ze_event_handle_t, uint32_t,
                                         ze_event_handle_t *);
ze_result_t ZE_APICALL listAppendMemoryCopy(ze_command_list_handle_t, void *dst,
                                            const void *src, size_t size,
                                            ze_event_handle_t, uint32_t,
                                            ze_event_handle_t *);
ze_result_t ZE_APICALL listAppendSignalEvent(ze_command_list_handle_t,
                                             ze_event_handle_t);
ze_result_t ZE_APICALL listAppendWaitOnEvents(ze_command_list_handle_t,
                                              uint32_t, ze_event_handle_t *);
ze_result_t ZE_APICALL listAppendEventReset(ze_command_list_handle_t,
                                            ze_event_handle_t);
ze_result_t ZE_APICALL fenceCreate(ze_command_queue_handle_t,
                                   const ze_fence_desc_t *,
                                   ze_fence_handle_t *);
ze_result_t ZE_APICALL fenceDestroy(ze_fence_handle_t);
ze_result_t ZE_APICALL fenceHostSynchronize(ze_fence_handle_t,
                                            uint64_t timeout);
ze_result_t ZE_APICALL fenceQueryStatus(ze_fence_handle_t);
ze_result_t ZE_APICALL fenceReset(ze_fence_handle_t);
ze_result_t ZE_APICALL eventPoolCreate(ze_context_handle_t,
                                       const ze_event_pool_desc_t *, uint32_t,
                                       ze_device_handle_t *,
                                       ze_event_pool_handle_t *);
ze_result_t ZE_APICALL eventPoolDestroy(ze_event_pool_handle_t);
ze_result_t ZE_APICALL eventCreate(ze_event_pool_handle_t,
                                   const ze_event_desc_t *,
                                   ze_event_handle_t *);
ze_result_t ZE_APICALL eventDestroy(ze_event_handle_t);
ze_result_t ZE_APICALL eventHostSignal(ze_event_handle_t);
ze_result_t ZE_APICALL eventHostSynchronize(ze_event_handle_t,
                                            uint64_t timeout);
ze_result_t ZE_APICALL eventQueryStatus(ze_event_handle_t);
ze_result_t ZE_APICALL eventHostReset(ze_event_handle_t);

// Extension tables (ZeGraph.cpp).
extern const ze_graph_dditable_ext_t kGraphTable;
extern const ze_graph_profiling_dditable_ext_t kProfilingTable;
extern const ze_npu_device_dditable_ext_t kNpuDeviceTable;

} // namespace npu::sim::ze

#endif // NPU_LIB_SIMULATOR_ZEENTRYPOINTS_H
