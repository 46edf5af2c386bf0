//===- ZeTables.cpp - The table getters the Level Zero loader calls -------===//
//
// The loader (libze_loader) loads a driver library and asks it for every
// API table through exported ze*/zet*/zes*Get*ProcAddrTable functions; if
// any getter is missing, zeInit fails. Tables this driver does not implement
// (images, kernels, modules, sysman, tools...) are returned empty: the
// loader then reports ZE_RESULT_ERROR_UNSUPPORTED_FEATURE for their calls.
//
//===----------------------------------------------------------------------===//

#include "ZeEntryPoints.h"

#include <level_zero/ze_ddi.h>
#include <level_zero/zes_ddi.h>
#include <level_zero/zet_ddi.h>

#include <cstring>

using namespace npu::sim::ze;

namespace {
template <typename T> ze_result_t prepare(ze_api_version_t version, T *table) {
  if (!table)
    return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (ZE_MAJOR_VERSION(version) != ZE_MAJOR_VERSION(ZE_API_VERSION_CURRENT))
    return ZE_RESULT_ERROR_UNSUPPORTED_VERSION;
  std::memset(static_cast<void *>(table), 0, sizeof(T));
  return ZE_RESULT_SUCCESS;
}
} // namespace

#define NPU_EMPTY_TABLE(getter, type)                                          \
  extern "C" ZE_DLLEXPORT ze_result_t ZE_APICALL getter(                       \
      ze_api_version_t version, type *table) {                                 \
    return prepare(version, table);                                            \
  }

extern "C" {

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetGlobalProcAddrTable(ze_api_version_t version, ze_global_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnInit = init;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetDriverProcAddrTable(ze_api_version_t version, ze_driver_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnGet = driverGet;
  t->pfnGetApiVersion = driverGetApiVersion;
  t->pfnGetProperties = driverGetProperties;
  t->pfnGetIpcProperties = driverGetIpcProperties;
  t->pfnGetExtensionProperties = driverGetExtensionProperties;
  t->pfnGetExtensionFunctionAddress = driverGetExtensionFunctionAddress;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetDeviceProcAddrTable(ze_api_version_t version, ze_device_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnGet = deviceGet;
  t->pfnGetSubDevices = deviceGetSubDevices;
  t->pfnGetProperties = deviceGetProperties;
  t->pfnGetComputeProperties = deviceGetComputeProperties;
  t->pfnGetMemoryProperties = deviceGetMemoryProperties;
  t->pfnGetCommandQueueGroupProperties = deviceGetCommandQueueGroupProperties;
  t->pfnGetStatus = deviceGetStatus;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetContextProcAddrTable(ze_api_version_t version, ze_context_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnCreate = contextCreate;
  t->pfnDestroy = contextDestroy;
  t->pfnGetStatus = contextGetStatus;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL zeGetCommandQueueProcAddrTable(
    ze_api_version_t version, ze_command_queue_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnCreate = queueCreate;
  t->pfnDestroy = queueDestroy;
  t->pfnExecuteCommandLists = queueExecuteCommandLists;
  t->pfnSynchronize = queueSynchronize;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL zeGetCommandListProcAddrTable(
    ze_api_version_t version, ze_command_list_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnCreate = listCreate;
  t->pfnDestroy = listDestroy;
  t->pfnClose = listClose;
  t->pfnReset = listReset;
  t->pfnAppendBarrier = listAppendBarrier;
  t->pfnAppendMemoryCopy = listAppendMemoryCopy;
  t->pfnAppendSignalEvent = listAppendSignalEvent;
  t->pfnAppendWaitOnEvents = listAppendWaitOnEvents;
  t->pfnAppendEventReset = listAppendEventReset;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetFenceProcAddrTable(ze_api_version_t version, ze_fence_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnCreate = fenceCreate;
  t->pfnDestroy = fenceDestroy;
  t->pfnHostSynchronize = fenceHostSynchronize;
  t->pfnQueryStatus = fenceQueryStatus;
  t->pfnReset = fenceReset;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL zeGetEventPoolProcAddrTable(
    ze_api_version_t version, ze_event_pool_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnCreate = eventPoolCreate;
  t->pfnDestroy = eventPoolDestroy;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetEventProcAddrTable(ze_api_version_t version, ze_event_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnCreate = eventCreate;
  t->pfnDestroy = eventDestroy;
  t->pfnHostSignal = eventHostSignal;
  t->pfnHostSynchronize = eventHostSynchronize;
  t->pfnQueryStatus = eventQueryStatus;
  t->pfnHostReset = eventHostReset;
  return ZE_RESULT_SUCCESS;
}

ZE_DLLEXPORT ze_result_t ZE_APICALL
zeGetMemProcAddrTable(ze_api_version_t version, ze_mem_dditable_t *t) {
  if (ze_result_t r = prepare(version, t))
    return r;
  t->pfnAllocShared = memAllocShared;
  t->pfnAllocDevice = memAllocDevice;
  t->pfnAllocHost = memAllocHost;
  t->pfnFree = memFree;
  t->pfnGetAllocProperties = memGetAllocProperties;
  t->pfnGetAddressRange = memGetAddressRange;
  return ZE_RESULT_SUCCESS;
}

} // extern "C"

NPU_EMPTY_TABLE(zeGetDeviceExpProcAddrTable, ze_device_exp_dditable_t)
NPU_EMPTY_TABLE(zeGetImageProcAddrTable, ze_image_dditable_t)
NPU_EMPTY_TABLE(zeGetImageExpProcAddrTable, ze_image_exp_dditable_t)
NPU_EMPTY_TABLE(zeGetEventExpProcAddrTable, ze_event_exp_dditable_t)
NPU_EMPTY_TABLE(zeGetModuleProcAddrTable, ze_module_dditable_t)
NPU_EMPTY_TABLE(zeGetModuleBuildLogProcAddrTable,
                ze_module_build_log_dditable_t)
NPU_EMPTY_TABLE(zeGetKernelProcAddrTable, ze_kernel_dditable_t)
NPU_EMPTY_TABLE(zeGetKernelExpProcAddrTable, ze_kernel_exp_dditable_t)
NPU_EMPTY_TABLE(zeGetSamplerProcAddrTable, ze_sampler_dditable_t)
NPU_EMPTY_TABLE(zeGetPhysicalMemProcAddrTable, ze_physical_mem_dditable_t)
NPU_EMPTY_TABLE(zeGetVirtualMemProcAddrTable, ze_virtual_mem_dditable_t)
NPU_EMPTY_TABLE(zeGetFabricVertexExpProcAddrTable,
                ze_fabric_vertex_exp_dditable_t)
NPU_EMPTY_TABLE(zeGetFabricEdgeExpProcAddrTable, ze_fabric_edge_exp_dditable_t)

NPU_EMPTY_TABLE(zetGetDeviceProcAddrTable, zet_device_dditable_t)
NPU_EMPTY_TABLE(zetGetContextProcAddrTable, zet_context_dditable_t)
NPU_EMPTY_TABLE(zetGetCommandListProcAddrTable, zet_command_list_dditable_t)
NPU_EMPTY_TABLE(zetGetModuleProcAddrTable, zet_module_dditable_t)
NPU_EMPTY_TABLE(zetGetKernelProcAddrTable, zet_kernel_dditable_t)
NPU_EMPTY_TABLE(zetGetMetricGroupProcAddrTable, zet_metric_group_dditable_t)
NPU_EMPTY_TABLE(zetGetMetricGroupExpProcAddrTable,
                zet_metric_group_exp_dditable_t)
NPU_EMPTY_TABLE(zetGetMetricProcAddrTable, zet_metric_dditable_t)
NPU_EMPTY_TABLE(zetGetMetricStreamerProcAddrTable,
                zet_metric_streamer_dditable_t)
NPU_EMPTY_TABLE(zetGetMetricQueryPoolProcAddrTable,
                zet_metric_query_pool_dditable_t)
NPU_EMPTY_TABLE(zetGetMetricQueryProcAddrTable, zet_metric_query_dditable_t)
NPU_EMPTY_TABLE(zetGetTracerExpProcAddrTable, zet_tracer_exp_dditable_t)
NPU_EMPTY_TABLE(zetGetDebugProcAddrTable, zet_debug_dditable_t)

NPU_EMPTY_TABLE(zesGetDriverProcAddrTable, zes_driver_dditable_t)
NPU_EMPTY_TABLE(zesGetDeviceProcAddrTable, zes_device_dditable_t)
NPU_EMPTY_TABLE(zesGetSchedulerProcAddrTable, zes_scheduler_dditable_t)
NPU_EMPTY_TABLE(zesGetPerformanceFactorProcAddrTable,
                zes_performance_factor_dditable_t)
NPU_EMPTY_TABLE(zesGetPowerProcAddrTable, zes_power_dditable_t)
NPU_EMPTY_TABLE(zesGetFrequencyProcAddrTable, zes_frequency_dditable_t)
NPU_EMPTY_TABLE(zesGetEngineProcAddrTable, zes_engine_dditable_t)
NPU_EMPTY_TABLE(zesGetStandbyProcAddrTable, zes_standby_dditable_t)
NPU_EMPTY_TABLE(zesGetFirmwareProcAddrTable, zes_firmware_dditable_t)
NPU_EMPTY_TABLE(zesGetMemoryProcAddrTable, zes_memory_dditable_t)
NPU_EMPTY_TABLE(zesGetFabricPortProcAddrTable, zes_fabric_port_dditable_t)
NPU_EMPTY_TABLE(zesGetTemperatureProcAddrTable, zes_temperature_dditable_t)
NPU_EMPTY_TABLE(zesGetPsuProcAddrTable, zes_psu_dditable_t)
NPU_EMPTY_TABLE(zesGetFanProcAddrTable, zes_fan_dditable_t)
NPU_EMPTY_TABLE(zesGetLedProcAddrTable, zes_led_dditable_t)
NPU_EMPTY_TABLE(zesGetRasProcAddrTable, zes_ras_dditable_t)
NPU_EMPTY_TABLE(zesGetDiagnosticsProcAddrTable, zes_diagnostics_dditable_t)
