/*===- ze_graph_ext.h - Level Zero graph extension of the NPU ---*- C -*-===//
 *
 * The project's own declaration of the NPU graph extension, shaped like
 * Intel's public ZE_extension_graph (intel/level-zero-npu-extensions): a
 * graph is created from a native blob, exposes its arguments, gets argument
 * memory bound, and is initialised and executed through command lists. Also
 * the profiling extension (per-task modelled timings) and a small extension
 * specific to this project's NPU devices (platform figures, last error).
 *
 * The "native" blob is this project's format (docs/blob-format.md), not
 * Intel's ELF: a real Intel NPU driver will not accept it.
 *
 * Semantics that differ from, or are not specified by, Intel's header:
 *  - argument values are captured when zeAppendGraphExecute is called, so
 *    one graph can be appended to several command lists with different
 *    memory (one per infer request);
 *  - argument memory must come from zeMemAlloc* of this driver;
 *  - zeGraphBuildLogGetString with a NULL graph returns the reason the
 *    calling thread's last zeGraphCreate failed.
 *
 *===--------------------------------------------------------------------===*/

#ifndef NPU_SIMULATOR_ZE_GRAPH_EXT_H
#define NPU_SIMULATOR_ZE_GRAPH_EXT_H

#include <level_zero/ze_api.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZE_GRAPH_EXT_NAME "ZE_extension_graph"
#define ZE_GRAPH_EXT_VERSION ZE_MAKE_VERSION(1, 0)
#define ZE_PROFILING_DATA_EXT_NAME "ZE_extension_profiling_data"
#define ZE_PROFILING_DATA_EXT_VERSION ZE_MAKE_VERSION(1, 0)
#define ZE_NPU_DEVICE_EXT_NAME "ZE_extension_npu_device"
#define ZE_NPU_DEVICE_EXT_VERSION ZE_MAKE_VERSION(1, 0)

typedef struct _ze_graph_handle_t *ze_graph_handle_t;
typedef struct _ze_graph_profiling_pool_handle_t
    *ze_graph_profiling_pool_handle_t;
typedef struct _ze_graph_profiling_query_handle_t
    *ze_graph_profiling_query_handle_t;

typedef enum _ze_structure_type_graph_ext_t {
  ZE_STRUCTURE_TYPE_GRAPH_DESC = 0x7fff0001,
  ZE_STRUCTURE_TYPE_GRAPH_PROPERTIES = 0x7fff0002,
  ZE_STRUCTURE_TYPE_GRAPH_ARGUMENT_PROPERTIES = 0x7fff0003,
  ZE_STRUCTURE_TYPE_NPU_DEVICE_PROPERTIES = 0x7fff0004,
  ZE_STRUCTURE_TYPE_DEVICE_PROFILING_DATA_PROPERTIES = 0x7fff0005,
} ze_structure_type_graph_ext_t;

typedef enum _ze_graph_format_t {
  ZE_GRAPH_FORMAT_NATIVE = 0x1,      /* a compiled blob */
  ZE_GRAPH_FORMAT_NGRAPH_LITE = 0x2, /* not supported: no on-line compiler */
} ze_graph_format_t;

typedef struct _ze_graph_desc_t {
  uint32_t stype; /* ZE_STRUCTURE_TYPE_GRAPH_DESC */
  const void *pNext;
  ze_graph_format_t format;
  size_t inputSize;
  const uint8_t *pInput;
  const char *pBuildFlags; /* ignored for native blobs */
} ze_graph_desc_t;

typedef struct _ze_graph_properties_t {
  uint32_t stype; /* ZE_STRUCTURE_TYPE_GRAPH_PROPERTIES */
  void *pNext;
  uint32_t numGraphArgs; /* inputs first, then outputs */
} ze_graph_properties_t;

typedef enum _ze_graph_argument_type_t {
  ZE_GRAPH_ARGUMENT_TYPE_INPUT = 0,
  ZE_GRAPH_ARGUMENT_TYPE_OUTPUT = 1,
} ze_graph_argument_type_t;

typedef enum _ze_graph_argument_precision_t {
  ZE_GRAPH_ARGUMENT_PRECISION_UNKNOWN = 0x00,
  ZE_GRAPH_ARGUMENT_PRECISION_FP32 = 0x01,
  ZE_GRAPH_ARGUMENT_PRECISION_FP16 = 0x02,
  ZE_GRAPH_ARGUMENT_PRECISION_UINT16 = 0x03,
  ZE_GRAPH_ARGUMENT_PRECISION_UINT8 = 0x04,
  ZE_GRAPH_ARGUMENT_PRECISION_UINT4 = 0x05,
  ZE_GRAPH_ARGUMENT_PRECISION_INT32 = 0x06,
  ZE_GRAPH_ARGUMENT_PRECISION_INT16 = 0x07,
  ZE_GRAPH_ARGUMENT_PRECISION_INT8 = 0x08,
  ZE_GRAPH_ARGUMENT_PRECISION_INT4 = 0x09,
  ZE_GRAPH_ARGUMENT_PRECISION_BIN = 0x0A,
  ZE_GRAPH_ARGUMENT_PRECISION_DYNAMIC = 0x0B,
  ZE_GRAPH_ARGUMENT_PRECISION_BF16 = 0x0C,
  /* Additions of this project. */
  ZE_GRAPH_ARGUMENT_PRECISION_UINT32 = 0x40,
  ZE_GRAPH_ARGUMENT_PRECISION_INT64 = 0x41,
  ZE_GRAPH_ARGUMENT_PRECISION_UINT64 = 0x42,
  ZE_GRAPH_ARGUMENT_PRECISION_FP64 = 0x43,
  ZE_GRAPH_ARGUMENT_PRECISION_BOOL = 0x44,
} ze_graph_argument_precision_t;

typedef enum _ze_graph_argument_layout_t {
  ZE_GRAPH_ARGUMENT_LAYOUT_ANY = 0x00,
  ZE_GRAPH_ARGUMENT_LAYOUT_NCHW = 0x01,
  ZE_GRAPH_ARGUMENT_LAYOUT_NHWC = 0x02,
} ze_graph_argument_layout_t;

#define ZE_MAX_GRAPH_ARGUMENT_NAME 256
/* Intel's header has 5; blobs of this project allow rank 8. */
#define ZE_MAX_GRAPH_ARGUMENT_DIMENSIONS_SIZE 8

typedef struct _ze_graph_argument_properties_t {
  uint32_t stype; /* ZE_STRUCTURE_TYPE_GRAPH_ARGUMENT_PROPERTIES */
  void *pNext;
  ze_graph_argument_type_t type;
  char name[ZE_MAX_GRAPH_ARGUMENT_NAME];
  uint32_t dims[ZE_MAX_GRAPH_ARGUMENT_DIMENSIONS_SIZE];
  uint32_t dims_count;
  ze_graph_argument_precision_t networkPrecision;
  ze_graph_argument_layout_t networkLayout;
  ze_graph_argument_precision_t devicePrecision;
  ze_graph_argument_layout_t deviceLayout;
  float quantScale; /* 0 when the argument is not quantized */
  int32_t quantZeroPoint;
} ze_graph_argument_properties_t;

typedef ze_result_t(ZE_APICALL *ze_pfnGraphCreate_ext_t)(
    ze_context_handle_t hContext, ze_device_handle_t hDevice,
    const ze_graph_desc_t *desc, ze_graph_handle_t *phGraph);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphDestroy_ext_t)(
    ze_graph_handle_t hGraph);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphGetNativeBinary_ext_t)(
    ze_graph_handle_t hGraph, size_t *pSize, uint8_t *pGraphNativeBinary);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphGetProperties_ext_t)(
    ze_graph_handle_t hGraph, ze_graph_properties_t *pGraphProperties);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphGetArgumentProperties_ext_t)(
    ze_graph_handle_t hGraph, uint32_t argIndex,
    ze_graph_argument_properties_t *pGraphArgumentProperties);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphSetArgumentValue_ext_t)(
    ze_graph_handle_t hGraph, uint32_t argIndex, const void *pArgValue);
typedef ze_result_t(ZE_APICALL *ze_pfnAppendGraphInitialize_ext_t)(
    ze_command_list_handle_t hCommandList, ze_graph_handle_t hGraph,
    ze_event_handle_t hSignalEvent, uint32_t numWaitEvents,
    ze_event_handle_t *phWaitEvents);
typedef ze_result_t(ZE_APICALL *ze_pfnAppendGraphExecute_ext_t)(
    ze_command_list_handle_t hCommandList, ze_graph_handle_t hGraph,
    ze_graph_profiling_query_handle_t hProfilingQuery,
    ze_event_handle_t hSignalEvent, uint32_t numWaitEvents,
    ze_event_handle_t *phWaitEvents);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphBuildLogGetString_ext_t)(
    ze_graph_handle_t hGraph, uint32_t *pSize, char *pBuildLog);

/* Returned by zeDriverGetExtensionFunctionAddress(ZE_GRAPH_EXT_NAME). */
typedef struct _ze_graph_dditable_ext_t {
  ze_pfnGraphCreate_ext_t pfnCreate;
  ze_pfnGraphDestroy_ext_t pfnDestroy;
  ze_pfnGraphGetProperties_ext_t pfnGetProperties;
  ze_pfnGraphGetArgumentProperties_ext_t pfnGetArgumentProperties;
  ze_pfnGraphSetArgumentValue_ext_t pfnSetArgumentValue;
  ze_pfnAppendGraphInitialize_ext_t pfnAppendGraphInitialize;
  ze_pfnAppendGraphExecute_ext_t pfnAppendGraphExecute;
  ze_pfnGraphGetNativeBinary_ext_t pfnGetNativeBinary;
  ze_pfnGraphBuildLogGetString_ext_t pfnBuildLogGetString;
} ze_graph_dditable_ext_t;

/* ---- Profiling ------------------------------------------------------ */

typedef enum _ze_graph_profiling_type_t {
  ZE_GRAPH_PROFILING_LAYER_LEVEL = 0x1, /* not available: no layer map */
  ZE_GRAPH_PROFILING_TASK_LEVEL = 0x2,  /* ze_graph_profiling_task_info_t[] */
  ZE_GRAPH_PROFILING_RAW = 0x4,         /* ze_graph_profiling_summary_t */
} ze_graph_profiling_type_t;

typedef enum _ze_graph_engine_type_t {
  ZE_GRAPH_ENGINE_DMA = 0,
  ZE_GRAPH_ENGINE_DPU = 1,
  ZE_GRAPH_ENGINE_SHAVE = 2,
} ze_graph_engine_type_t;

#define ZE_GRAPH_PROFILING_TASK_NAME 64

/* One task of the last execution, times in modelled DPU cycles. */
typedef struct _ze_graph_profiling_task_info_t {
  char name[ZE_GRAPH_PROFILING_TASK_NAME];
  uint32_t engine; /* ze_graph_engine_type_t */
  uint32_t engineIndex;
  uint64_t startCycles;
  uint64_t endCycles;
} ze_graph_profiling_task_info_t;

typedef struct _ze_graph_profiling_summary_t {
  uint64_t totalCycles;   /* modelled latency of the execution */
  uint64_t dpuClockKHz;   /* converts cycles to time */
  uint64_t busyCycles[3]; /* per ze_graph_engine_type_t, summed over engines */
  uint32_t numTasks;
  uint32_t numEngines;
} ze_graph_profiling_summary_t;

typedef struct _ze_device_profiling_data_properties_t {
  uint32_t stype;
  void *pNext;
  uint32_t extensionVersion;
} ze_device_profiling_data_properties_t;

typedef ze_result_t(ZE_APICALL *ze_pfnGraphProfilingPoolCreate_ext_t)(
    ze_graph_handle_t hGraph, uint32_t count,
    ze_graph_profiling_pool_handle_t *phProfilingPool);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphProfilingPoolDestroy_ext_t)(
    ze_graph_profiling_pool_handle_t hProfilingPool);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphProfilingQueryCreate_ext_t)(
    ze_graph_profiling_pool_handle_t hProfilingPool, uint32_t index,
    ze_graph_profiling_query_handle_t *phProfilingQuery);
typedef ze_result_t(ZE_APICALL *ze_pfnGraphProfilingQueryDestroy_ext_t)(
    ze_graph_profiling_query_handle_t hProfilingQuery);
/* pSize in bytes; *pSize == 0 (or pData NULL) asks for the size. */
typedef ze_result_t(ZE_APICALL *ze_pfnGraphProfilingQueryGetData_ext_t)(
    ze_graph_profiling_query_handle_t hProfilingQuery,
    ze_graph_profiling_type_t profilingType, uint32_t *pSize,
    uint8_t *pProfilingData);
typedef ze_result_t(ZE_APICALL *ze_pfnDeviceGetProfilingDataProperties_ext_t)(
    ze_device_handle_t hDevice,
    ze_device_profiling_data_properties_t *pDeviceProfilingDataProperties);
/* The last execution's timeline as Chrome / Perfetto trace JSON. */
typedef ze_result_t(ZE_APICALL *ze_pfnGraphProfilingLogGetString_ext_t)(
    ze_graph_profiling_query_handle_t hProfilingQuery, uint32_t *pSize,
    char *pProfilingLog);

typedef struct _ze_graph_profiling_dditable_ext_t {
  ze_pfnGraphProfilingPoolCreate_ext_t pfnProfilingPoolCreate;
  ze_pfnGraphProfilingPoolDestroy_ext_t pfnProfilingPoolDestroy;
  ze_pfnGraphProfilingQueryCreate_ext_t pfnProfilingQueryCreate;
  ze_pfnGraphProfilingQueryDestroy_ext_t pfnProfilingQueryDestroy;
  ze_pfnGraphProfilingQueryGetData_ext_t pfnProfilingQueryGetData;
  ze_pfnDeviceGetProfilingDataProperties_ext_t
      pfnDeviceGetProfilingDataProperties;
  ze_pfnGraphProfilingLogGetString_ext_t pfnProfilingLogGetString;
} ze_graph_profiling_dditable_ext_t;

/* ---- NPU device facts and errors (this project's extension) --------- */

typedef struct _ze_npu_device_properties_t {
  uint32_t stype; /* ZE_STRUCTURE_TYPE_NPU_DEVICE_PROPERTIES */
  void *pNext;
  char platform[32]; /* "NPU3720" / "NPU4000" */
  uint32_t numTiles;
  uint32_t maxTiles;
  uint32_t dpuClockKHz;
  uint32_t shavesPerTile;
  uint64_t cmxBytesPerTile; /* usable */
  uint32_t optimalInferRequestsLatency;
  uint32_t optimalInferRequestsThroughput;
  uint32_t tilesLatency;
  uint32_t tilesThroughput;
  ze_bool_t simulated;
} ze_npu_device_properties_t;

typedef ze_result_t(ZE_APICALL *ze_pfnNpuDeviceGetProperties_ext_t)(
    ze_device_handle_t hDevice, ze_npu_device_properties_t *pProperties);
/* The message of the last error an entry point of this driver returned on
 * the calling thread (device errors are reported by the synchronising
 * call). *pSize includes the terminating NUL. */
typedef ze_result_t(ZE_APICALL *ze_pfnNpuGetLastErrorString_ext_t)(
    uint32_t *pSize, char *pString);

typedef struct _ze_npu_device_dditable_ext_t {
  ze_pfnNpuDeviceGetProperties_ext_t pfnDeviceGetProperties;
  ze_pfnNpuGetLastErrorString_ext_t pfnGetLastErrorString;
} ze_npu_device_dditable_ext_t;

#ifdef __cplusplus
}
#endif

#endif /* NPU_SIMULATOR_ZE_GRAPH_EXT_H */
