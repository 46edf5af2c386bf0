//===- ZeGraph.cpp - Graph, profiling and NPU device extensions -----------===//
//
// zeGraphCreate verifies the whole blob (header, checksums, structure,
// semantics, target == this device) before anything else; the weights'
// checksum is checked by the graph's initialisation, which models uploading
// the weights (so a runtime can defer it). Execution runs the blob on the
// device model with the argument memory captured at append time.
//
//===----------------------------------------------------------------------===//

#include "ZeEntryPoints.h"
#include "ZeObjects.h"

#include "npu/Arch/Hardware.h"

#include <cstring>

namespace npu::sim::ze {

namespace {

thread_local std::string tlsBuildError;

Graph *graph(ze_graph_handle_t h) { return cast<Graph>(h, Tag::Graph); }

ze_graph_argument_precision_t precision(DType t) {
  switch (t) {
  case DType::F32:
    return ZE_GRAPH_ARGUMENT_PRECISION_FP32;
  case DType::F16:
    return ZE_GRAPH_ARGUMENT_PRECISION_FP16;
  case DType::BF16:
    return ZE_GRAPH_ARGUMENT_PRECISION_BF16;
  case DType::I8:
    return ZE_GRAPH_ARGUMENT_PRECISION_INT8;
  case DType::U8:
    return ZE_GRAPH_ARGUMENT_PRECISION_UINT8;
  case DType::I16:
    return ZE_GRAPH_ARGUMENT_PRECISION_INT16;
  case DType::U16:
    return ZE_GRAPH_ARGUMENT_PRECISION_UINT16;
  case DType::I32:
    return ZE_GRAPH_ARGUMENT_PRECISION_INT32;
  case DType::U32:
    return ZE_GRAPH_ARGUMENT_PRECISION_UINT32;
  case DType::I64:
    return ZE_GRAPH_ARGUMENT_PRECISION_INT64;
  case DType::U64:
    return ZE_GRAPH_ARGUMENT_PRECISION_UINT64;
  case DType::F64:
    return ZE_GRAPH_ARGUMENT_PRECISION_FP64;
  case DType::Bool:
    return ZE_GRAPH_ARGUMENT_PRECISION_BOOL;
  }
  return ZE_GRAPH_ARGUMENT_PRECISION_UNKNOWN;
}

ze_graph_argument_layout_t layout(blob::Layout l) {
  switch (l) {
  case blob::Layout::NCHW:
    return ZE_GRAPH_ARGUMENT_LAYOUT_NCHW;
  case blob::Layout::NHWC:
    return ZE_GRAPH_ARGUMENT_LAYOUT_NHWC;
  default:
    return ZE_GRAPH_ARGUMENT_LAYOUT_ANY;
  }
}

ze_result_t copyString(const std::string &s, uint32_t *pSize, char *out) {
  if (!pSize)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pSize is null");
  uint32_t need = uint32_t(s.size() + 1);
  if (*pSize == 0 || !out) {
    *pSize = need;
    return ZE_RESULT_SUCCESS;
  }
  uint32_t n = std::min(*pSize, need);
  std::memcpy(out, s.data(), n - 1);
  out[n - 1] = '\0';
  *pSize = n;
  return ZE_RESULT_SUCCESS;
}

// ---- graph ----

ze_result_t ZE_APICALL graphCreate(ze_context_handle_t hContext,
                                   ze_device_handle_t hDevice,
                                   const ze_graph_desc_t *desc,
                                   ze_graph_handle_t *phGraph) {
  tlsBuildError.clear();
  auto reject = [](ze_result_t r, const std::string &m) {
    tlsBuildError = m;
    return fail(r, m);
  };
  if (!cast<Context>(hContext, Tag::Context))
    return reject(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                  "invalid context handle (translate loader handles with "
                  "zelLoaderTranslateHandle)");
  Device *d = cast<Device>(hDevice, Tag::Device);
  if (!d)
    return reject(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                  "invalid device handle (translate loader handles with "
                  "zelLoaderTranslateHandle)");
  if (!desc || !phGraph || (!desc->pInput && desc->inputSize))
    return reject(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  if (desc->format != ZE_GRAPH_FORMAT_NATIVE)
    return reject(ZE_RESULT_ERROR_INVALID_ENUMERATION,
                  "only native blobs are accepted (this driver has no "
                  "on-line compiler)");
  auto g = std::make_unique<Graph>();
  g->device = d;
  g->size = desc->inputSize;
  // One copy, 4 KiB aligned so the weights section is page aligned.
  g->bytesStorage.resize(g->size + 4096);
  uintptr_t base = uintptr_t(g->bytesStorage.data());
  g->bytes = reinterpret_cast<uint8_t *>((base + 4095) & ~uintptr_t(4095));
  if (g->size)
    std::memcpy(g->bytes, desc->pInput, g->size);
  blob::ReadOptions opts;
  opts.expectedPlatform = d->platform;
  opts.verifyWeights = false; // Checked by the graph's initialisation.
  std::string error;
  if (!blob::readBlob(g->bytes, g->size, opts, g->blob, error))
    return reject(ZE_RESULT_ERROR_INVALID_NATIVE_BINARY, error);
  g->args.assign(g->blob.program.inputs.size() + g->blob.program.outputs.size(),
                 nullptr);
  *phGraph = reinterpret_cast<ze_graph_handle_t>(g.release());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL graphDestroy(ze_graph_handle_t h) {
  return destroy<Graph>(h, Tag::Graph, "graph");
}

ze_result_t ZE_APICALL graphGetNativeBinary(ze_graph_handle_t h, size_t *pSize,
                                            uint8_t *out) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  if (!pSize)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pSize is null");
  if (!out) {
    *pSize = g->size;
    return ZE_RESULT_SUCCESS;
  }
  if (*pSize < g->size)
    return fail(ZE_RESULT_ERROR_INVALID_SIZE, "buffer too small for the blob");
  std::memcpy(out, g->bytes, g->size);
  *pSize = g->size;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL graphGetProperties(ze_graph_handle_t h,
                                          ze_graph_properties_t *p) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  p->numGraphArgs = uint32_t(g->args.size());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL graphGetArgumentProperties(
    ze_graph_handle_t h, uint32_t argIndex, ze_graph_argument_properties_t *p) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  const blob::Program &prog = g->blob.program;
  if (argIndex >= g->args.size())
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "argument index " + std::to_string(argIndex) +
                    " is outside the graph's " +
                    std::to_string(g->args.size()) + " arguments");
  bool isInput = argIndex < prog.inputs.size();
  const blob::TensorDesc &d = isInput
                                  ? prog.inputs[argIndex]
                                  : prog.outputs[argIndex - prog.inputs.size()];
  p->type =
      isInput ? ZE_GRAPH_ARGUMENT_TYPE_INPUT : ZE_GRAPH_ARGUMENT_TYPE_OUTPUT;
  std::strncpy(p->name, d.name.c_str(), ZE_MAX_GRAPH_ARGUMENT_NAME - 1);
  p->name[ZE_MAX_GRAPH_ARGUMENT_NAME - 1] = '\0';
  std::memset(p->dims, 0, sizeof(p->dims));
  p->dims_count = uint32_t(d.shape.size());
  for (size_t i = 0; i < d.shape.size(); ++i)
    p->dims[i] = uint32_t(d.shape[i]);
  p->networkPrecision = p->devicePrecision = precision(d.dtype);
  p->networkLayout = p->deviceLayout = layout(d.layout);
  bool perTensor = d.quant.scales.size() == 1;
  p->quantScale = perTensor ? d.quant.scales[0] : 0.0f;
  p->quantZeroPoint = perTensor ? d.quant.zeroPoints[0] : 0;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL graphSetArgumentValue(ze_graph_handle_t h,
                                             uint32_t argIndex,
                                             const void *value) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  if (!value)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "argument value is null");
  std::lock_guard<std::mutex> lock(g->m);
  if (argIndex >= g->args.size())
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "argument index " + std::to_string(argIndex) +
                    " is outside the graph's " +
                    std::to_string(g->args.size()) + " arguments");
  g->args[argIndex] = value;
  return ZE_RESULT_SUCCESS;
}

ze_result_t appendGraph(ze_command_list_handle_t hList, Graph *g,
                        Command::Kind kind, ProfilingQuery *q,
                        ze_event_handle_t hSignal, uint32_t numWait,
                        ze_event_handle_t *phWait) {
  CommandList *l = cast<CommandList>(hList, Tag::List);
  if (!l)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid command list handle (translate loader handles with "
                "zelLoaderTranslateHandle)");
  if (l->device != g->device)
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "graph and command list belong to different devices");
  Command c(kind);
  c.graph = g;
  c.query = q;
  if (kind == Command::GraphExec) {
    std::lock_guard<std::mutex> lock(g->m);
    const blob::Program &p = g->blob.program;
    for (size_t i = 0; i < g->args.size(); ++i)
      if (!g->args[i]) {
        bool in = i < p.inputs.size();
        return fail(
            ZE_RESULT_ERROR_INVALID_ARGUMENT,
            std::string(in ? "input" : "output") + " '" +
                (in ? p.inputs[i].name : p.outputs[i - p.inputs.size()].name) +
                "' has no memory (zeGraphSetArgumentValue)");
      }
    c.args = g->args;
    c.state = std::make_unique<DeviceState>();
  }
  // Events are validated by the shared append path through a barrier-free
  // command list entry: reuse listAppendBarrier's checks by hand here.
  if (hSignal && !(c.signal = cast<Event>(hSignal, Tag::Event)))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid signal event");
  for (uint32_t i = 0; i < numWait; ++i) {
    Event *e = phWait ? cast<Event>(phWait[i], Tag::Event) : nullptr;
    if (!e)
      return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid wait event");
    c.waits.push_back(e);
  }
  std::lock_guard<std::mutex> lock(l->m);
  if (l->closed)
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "command list is closed; reset it before appending");
  l->commands.push_back(std::move(c));
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL appendGraphInitialize(ze_command_list_handle_t hList,
                                             ze_graph_handle_t h,
                                             ze_event_handle_t hSignal,
                                             uint32_t numWait,
                                             ze_event_handle_t *phWait) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  return appendGraph(hList, g, Command::GraphInit, nullptr, hSignal, numWait,
                     phWait);
}

ze_result_t ZE_APICALL appendGraphExecute(ze_command_list_handle_t hList,
                                          ze_graph_handle_t h,
                                          ze_graph_profiling_query_handle_t hq,
                                          ze_event_handle_t hSignal,
                                          uint32_t numWait,
                                          ze_event_handle_t *phWait) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  ProfilingQuery *q = nullptr;
  if (hq && !(q = cast<ProfilingQuery>(hq, Tag::ProfQuery)))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid profiling query handle");
  if (q && q->pool->graph != g)
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "profiling query belongs to another graph");
  return appendGraph(hList, g, Command::GraphExec, q, hSignal, numWait, phWait);
}

ze_result_t ZE_APICALL graphBuildLogGetString(ze_graph_handle_t h,
                                              uint32_t *pSize, char *out) {
  if (h && !graph(h))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  return copyString(h ? std::string() : tlsBuildError, pSize, out);
}

// ---- profiling ----

ze_result_t ZE_APICALL profilingPoolCreate(
    ze_graph_handle_t h, uint32_t count, ze_graph_profiling_pool_handle_t *ph) {
  Graph *g = graph(h);
  if (!g)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid graph handle");
  if (!ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  auto *p = new ProfilingPool();
  p->graph = g;
  p->count = count;
  *ph = reinterpret_cast<ze_graph_profiling_pool_handle_t>(p);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL
profilingPoolDestroy(ze_graph_profiling_pool_handle_t h) {
  return destroy<ProfilingPool>(h, Tag::ProfPool, "profiling pool");
}

ze_result_t ZE_APICALL
profilingQueryCreate(ze_graph_profiling_pool_handle_t h, uint32_t index,
                     ze_graph_profiling_query_handle_t *ph) {
  ProfilingPool *p = cast<ProfilingPool>(h, Tag::ProfPool);
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid pool handle");
  if (!ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  if (index >= p->count)
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "query index is outside the pool");
  auto *q = new ProfilingQuery();
  q->pool = p;
  *ph = reinterpret_cast<ze_graph_profiling_query_handle_t>(q);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL
profilingQueryDestroy(ze_graph_profiling_query_handle_t h) {
  return destroy<ProfilingQuery>(h, Tag::ProfQuery, "profiling query");
}

ze_result_t ZE_APICALL profilingQueryGetData(
    ze_graph_profiling_query_handle_t h, ze_graph_profiling_type_t type,
    uint32_t *pSize, uint8_t *data) {
  ProfilingQuery *q = cast<ProfilingQuery>(h, Tag::ProfQuery);
  if (!q)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid query handle");
  if (!pSize)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "pSize is null");
  std::lock_guard<std::mutex> lock(q->m);
  if (!q->valid)
    return fail(ZE_RESULT_NOT_READY, "the query has no completed execution");
  const RunProfile &prof = q->profile;
  std::vector<uint8_t> bytes;
  if (type == ZE_GRAPH_PROFILING_TASK_LEVEL) {
    bytes.resize(prof.tasks.size() * sizeof(ze_graph_profiling_task_info_t));
    for (size_t i = 0; i < prof.tasks.size(); ++i) {
      ze_graph_profiling_task_info_t info{};
      std::strncpy(info.name, prof.tasks[i].name.c_str(),
                   ZE_GRAPH_PROFILING_TASK_NAME - 1);
      info.engine = uint32_t(prof.tasks[i].engine);
      info.engineIndex = prof.tasks[i].engineIndex;
      info.startCycles = prof.tasks[i].start;
      info.endCycles = prof.tasks[i].end;
      std::memcpy(bytes.data() + i * sizeof(info), &info, sizeof(info));
    }
  } else if (type == ZE_GRAPH_PROFILING_RAW) {
    ze_graph_profiling_summary_t s{};
    s.totalCycles = prof.totalCycles;
    s.dpuClockKHz =
        arch::hardware(q->pool->graph->device->platform).dpuClockKHz;
    for (const EngineBusy &e : prof.engines)
      s.busyCycles[unsigned(e.engine)] += e.busyCycles;
    s.numTasks = uint32_t(prof.tasks.size());
    s.numEngines = uint32_t(prof.engines.size());
    bytes.resize(sizeof(s));
    std::memcpy(bytes.data(), &s, sizeof(s));
  } else {
    return fail(ZE_RESULT_ERROR_UNSUPPORTED_FEATURE,
                "only task-level and raw (summary) profiling are available");
  }
  if (*pSize == 0 || !data) {
    *pSize = uint32_t(bytes.size());
    return ZE_RESULT_SUCCESS;
  }
  if (*pSize < bytes.size())
    return fail(ZE_RESULT_ERROR_INVALID_SIZE, "profiling buffer too small");
  std::memcpy(data, bytes.data(), bytes.size());
  *pSize = uint32_t(bytes.size());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL deviceGetProfilingDataProperties(
    ze_device_handle_t hDevice, ze_device_profiling_data_properties_t *p) {
  if (!cast<Device>(hDevice, Tag::Device))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid device handle");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  p->extensionVersion = ZE_PROFILING_DATA_EXT_VERSION;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL profilingLogGetString(
    ze_graph_profiling_query_handle_t h, uint32_t *pSize, char *out) {
  ProfilingQuery *q = cast<ProfilingQuery>(h, Tag::ProfQuery);
  if (!q)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid query handle");
  std::lock_guard<std::mutex> lock(q->m);
  if (!q->valid)
    return fail(ZE_RESULT_NOT_READY, "the query has no completed execution");
  return copyString(traceJson(q->profile, q->pool->graph->device->platform),
                    pSize, out);
}

// ---- NPU device extension ----

ze_result_t ZE_APICALL npuDeviceGetProperties(ze_device_handle_t hDevice,
                                              ze_npu_device_properties_t *p) {
  Device *d = cast<Device>(hDevice, Tag::Device);
  if (!d)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid device handle (translate loader handles with "
                "zelLoaderTranslateHandle)");
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "properties are null");
  const arch::HardwareDesc &hw = arch::hardware(d->platform);
  std::strncpy(p->platform, hw.name, sizeof(p->platform) - 1);
  p->platform[sizeof(p->platform) - 1] = '\0';
  p->numTiles = hw.numTiles;
  p->maxTiles = hw.numTiles;
  p->dpuClockKHz = hw.dpuClockKHz;
  p->shavesPerTile = hw.shavesPerTile;
  p->cmxBytesPerTile = hw.cmxUsableBytes;
  p->optimalInferRequestsLatency = hw.latency.optimalInferRequests;
  p->optimalInferRequestsThroughput = hw.throughput.optimalInferRequests;
  p->tilesLatency = hw.latency.tiles;
  p->tilesThroughput = hw.throughput.tiles;
  p->simulated = 1;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL npuGetLastErrorString(uint32_t *pSize, char *out) {
  return copyString(lastError(), pSize, out);
}

} // namespace

bool executeList(CommandList &l, std::string &error) {
  std::lock_guard<std::mutex> lock(l.m);
  for (Command &c : l.commands) {
    for (Event *e : c.waits)
      e->wait(UINT64_MAX);
    switch (c.kind) {
    case Command::GraphInit: {
      std::lock_guard<std::mutex> glock(c.graph->m);
      if (!c.graph->weightsChecked) {
        if (!blob::verifyWeights(c.graph->blob, error))
          return false;
        c.graph->weightsChecked = true;
      }
      c.graph->initialized = true;
      break;
    }
    case Command::GraphExec: {
      Graph &g = *c.graph;
      {
        std::lock_guard<std::mutex> glock(g.m);
        if (!g.initialized) {
          error = "graph executed before zeAppendGraphInitialize completed";
          return false;
        }
      }
      const blob::Program &p = g.blob.program;
      std::vector<ArgMemory> ins, outs;
      for (size_t i = 0; i < c.args.size(); ++i) {
        Allocation a;
        bool in = i < p.inputs.size();
        const std::string &name =
            in ? p.inputs[i].name : p.outputs[i - p.inputs.size()].name;
        if (!findAllocation(c.args[i], a)) {
          error = std::string(in ? "input" : "output") + " '" + name +
                  "' points to memory that was not allocated with zeMemAlloc*";
          return false;
        }
        ArgMemory m{const_cast<void *>(c.args[i]),
                    a.size - (uintptr_t(c.args[i]) - uintptr_t(a.base))};
        (in ? ins : outs).push_back(m);
      }
      RunProfile prof;
      if (!execute(g.blob, ins, outs, *c.state, c.query ? &prof : nullptr,
                   error))
        return false;
      if (c.query) {
        std::lock_guard<std::mutex> qlock(c.query->m);
        c.query->profile = std::move(prof);
        c.query->valid = true;
      }
      break;
    }
    case Command::Copy:
      std::memmove(c.dst, c.src, c.bytes);
      break;
    case Command::Reset:
      static_cast<Event *>(c.dst)->reset();
      break;
    case Command::Barrier:
    case Command::Signal:
    case Command::Wait:
      break;
    }
    if (c.signal)
      c.signal->signal();
  }
  return true;
}

const ze_graph_dditable_ext_t kGraphTable = {
    graphCreate,           graphDestroy,
    graphGetProperties,    graphGetArgumentProperties,
    graphSetArgumentValue, appendGraphInitialize,
    appendGraphExecute,    graphGetNativeBinary,
    graphBuildLogGetString};

const ze_graph_profiling_dditable_ext_t kProfilingTable = {
    profilingPoolCreate,   profilingPoolDestroy,
    profilingQueryCreate,  profilingQueryDestroy,
    profilingQueryGetData, deviceGetProfilingDataProperties,
    profilingLogGetString};

const ze_npu_device_dditable_ext_t kNpuDeviceTable = {npuDeviceGetProperties,
                                                      npuGetLastErrorString};

} // namespace npu::sim::ze
