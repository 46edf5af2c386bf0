//===- CompiledModel.cpp - Graph initialisation and infer requests --------===//

#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/InferRequest.h"

#include "LevelZero.h"
#include "RuntimeHandles.h"

#include "npu/Blob/BlobReader.h"

namespace npu::runtime {

std::optional<DType> dtypeFromPrecision(ze_graph_argument_precision_t p) {
  switch (p) {
  case ZE_GRAPH_ARGUMENT_PRECISION_FP32:
    return DType::F32;
  case ZE_GRAPH_ARGUMENT_PRECISION_FP16:
    return DType::F16;
  case ZE_GRAPH_ARGUMENT_PRECISION_BF16:
    return DType::BF16;
  case ZE_GRAPH_ARGUMENT_PRECISION_INT8:
    return DType::I8;
  case ZE_GRAPH_ARGUMENT_PRECISION_UINT8:
    return DType::U8;
  case ZE_GRAPH_ARGUMENT_PRECISION_INT16:
    return DType::I16;
  case ZE_GRAPH_ARGUMENT_PRECISION_UINT16:
    return DType::U16;
  case ZE_GRAPH_ARGUMENT_PRECISION_INT32:
    return DType::I32;
  case ZE_GRAPH_ARGUMENT_PRECISION_UINT32:
    return DType::U32;
  case ZE_GRAPH_ARGUMENT_PRECISION_INT64:
    return DType::I64;
  case ZE_GRAPH_ARGUMENT_PRECISION_UINT64:
    return DType::U64;
  case ZE_GRAPH_ARGUMENT_PRECISION_FP64:
    return DType::F64;
  case ZE_GRAPH_ARGUMENT_PRECISION_BOOL:
    return DType::Bool;
  default:
    return std::nullopt;
  }
}

size_t TensorInfo::byteSize() const {
  return size_t(shapeNumElements(shape)) * dtypeSize(dtype);
}

CompiledModel::~CompiledModel() {
  if (graph_ && graph_->graph)
    l0_->graph->pfnDestroy(graph_->graph);
}

Status CompiledModel::bindStates(const void *blob, size_t size) {
  std::vector<blob::StateVar> vars;
  std::string error;
  if (!blob::readStateVars(blob, size, vars, error))
    return Status::error(error);
  std::vector<TensorInfo> ins = std::move(inputs_), outs = std::move(outputs_);
  inputs_.clear();
  outputs_.clear();
  args_ = ins;
  args_.insert(args_.end(), outs.begin(), outs.end());
  uint32_t numIns = uint32_t(ins.size());
  std::vector<bool> isState(args_.size(), false);
  for (const blob::StateVar &v : vars) {
    // The driver verified the blob; its arguments must still be the ones
    // the variables name.
    if (v.input >= ins.size() || v.output >= outs.size() ||
        ins[v.input].dtype != outs[v.output].dtype ||
        ins[v.input].shape != outs[v.output].shape)
      return Status::error("state variable '" + v.name +
                           "' does not match the graph's arguments");
    variables_.push_back(
        {v.name, ins[v.input], ins[v.input].name, outs[v.output].name});
    variableArgs_.push_back({v.input, numIns + v.output});
    isState[v.input] = isState[numIns + v.output] = true;
  }
  for (uint32_t i = 0; i < args_.size(); ++i) {
    if (isState[i])
      continue;
    (i < numIns ? inputs_ : outputs_).push_back(args_[i]);
    (i < numIns ? inputArgs_ : outputArgs_).push_back(i);
  }
  return Status::success();
}

Status CompiledModel::ensureInitialized() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (initialized_)
    return Status::success();
  LevelZero &l0 = *l0_;
  ze_device_handle_t dev = graph_->device->handle;
  auto qd =
      zeDesc<ze_command_queue_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
  auto ld = zeDesc<ze_command_list_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC);
  auto fd = zeDesc<ze_fence_desc_t>(ZE_STRUCTURE_TYPE_FENCE_DESC);
  ze_command_queue_handle_t q = nullptr;
  ze_command_list_handle_t list = nullptr;
  ze_fence_handle_t fence = nullptr;
  Status status;
  ze_result_t r = zeCommandQueueCreate(l0.context, dev, &qd, &q);
  if (r == ZE_RESULT_SUCCESS)
    r = zeCommandListCreate(l0.context, dev, &ld, &list);
  if (r == ZE_RESULT_SUCCESS)
    r = zeFenceCreate(q, &fd, &fence);
  if (r == ZE_RESULT_SUCCESS)
    r = l0.graph->pfnAppendGraphInitialize(
        l0.translate(ZEL_HANDLE_COMMAND_LIST, list), graph_->graph, nullptr, 0,
        nullptr);
  if (r == ZE_RESULT_SUCCESS)
    r = zeCommandListClose(list);
  if (r == ZE_RESULT_SUCCESS)
    r = zeCommandQueueExecuteCommandLists(q, 1, &list, fence);
  if (r == ZE_RESULT_SUCCESS)
    r = zeFenceHostSynchronize(fence, UINT64_MAX);
  if (r != ZE_RESULT_SUCCESS)
    status = Status::error(l0.describe(r, "loading the weights"));
  if (fence)
    zeFenceDestroy(fence);
  if (list)
    zeCommandListDestroy(list);
  if (q)
    zeCommandQueueDestroy(q);
  initialized_ = status.ok();
  return status;
}

Expected<std::shared_ptr<InferRequest>> CompiledModel::createInferRequest() {
  LevelZero &l0 = *l0_;
  std::shared_ptr<InferRequest> req(new InferRequest());
  req->model_ = shared_from_this();
  req->h_ = std::make_unique<RequestHandles>();
  RequestHandles &h = *req->h_;
  ze_device_handle_t dev = graph_->device->handle;
  auto failed = [&](ze_result_t r, const char *what) {
    return Status::error(l0.describe(r, what));
  };
  auto hd =
      zeDesc<ze_host_mem_alloc_desc_t>(ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
  for (const TensorInfo &t : args_) {
    void *p = nullptr;
    ze_result_t r = zeMemAllocHost(l0.context, &hd,
                                   std::max<size_t>(t.byteSize(), 1), 4096, &p);
    if (r != ZE_RESULT_SUCCESS)
      return failed(r, "allocating tensor memory");
    req->memory_.push_back(p);
  }
  for (const VariableInfo &v : variables_)
    req->state_.emplace_back(v.info.dtype, v.info.shape); // Zeros.
  auto qd =
      zeDesc<ze_command_queue_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
  auto ld = zeDesc<ze_command_list_desc_t>(ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC);
  auto fd = zeDesc<ze_fence_desc_t>(ZE_STRUCTURE_TYPE_FENCE_DESC);
  ze_result_t r = zeCommandQueueCreate(l0.context, dev, &qd, &h.queue);
  if (r != ZE_RESULT_SUCCESS)
    return failed(r, "zeCommandQueueCreate");
  if ((r = zeCommandListCreate(l0.context, dev, &ld, &h.list)) !=
      ZE_RESULT_SUCCESS)
    return failed(r, "zeCommandListCreate");
  if ((r = zeFenceCreate(h.queue, &fd, &h.fence)) != ZE_RESULT_SUCCESS)
    return failed(r, "zeFenceCreate");
  // A query is always attached: the modelled latency is always reported.
  if ((r = l0.profiling->pfnProfilingPoolCreate(graph_->graph, 1, &h.pool)) !=
          ZE_RESULT_SUCCESS ||
      (r = l0.profiling->pfnProfilingQueryCreate(h.pool, 0, &h.query)) !=
          ZE_RESULT_SUCCESS)
    return failed(r, "creating the profiling query");
  {
    // Argument values are captured by the append: bind and append under
    // the model's lock so concurrent request creation cannot mix them.
    std::lock_guard<std::mutex> lock(mutex_);
    for (uint32_t i = 0; i < req->memory_.size(); ++i)
      if ((r = l0.graph->pfnSetArgumentValue(
               graph_->graph, i, req->memory_[i])) != ZE_RESULT_SUCCESS)
        return failed(r, "zeGraphSetArgumentValue");
    r = l0.graph->pfnAppendGraphExecute(
        l0.translate(ZEL_HANDLE_COMMAND_LIST, h.list), graph_->graph, h.query,
        nullptr, 0, nullptr);
    if (r != ZE_RESULT_SUCCESS)
      return failed(r, "zeAppendGraphExecute");
  }
  if ((r = zeCommandListClose(h.list)) != ZE_RESULT_SUCCESS)
    return failed(r, "zeCommandListClose");
  return req;
}

} // namespace npu::runtime
