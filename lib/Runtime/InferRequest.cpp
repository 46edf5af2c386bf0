//===- InferRequest.cpp - Tensors, execution and profiling of a request ---===//

#include "npu/Runtime/InferRequest.h"

#include "LevelZero.h"
#include "RuntimeHandles.h"

#include <cstring>

namespace npu::runtime {

HostTensor Tensor::toHost() const {
  HostTensor t(info->dtype, info->shape);
  std::memcpy(t.raw(), data, std::min(byteSize, t.byteSize()));
  return t;
}

InferRequest::~InferRequest() {
  if (running_)
    wait();
  if (!h_)
    return;
  LevelZero &l0 = *model_->l0_;
  if (h_->query)
    l0.profiling->pfnProfilingQueryDestroy(h_->query);
  if (h_->pool)
    l0.profiling->pfnProfilingPoolDestroy(h_->pool);
  if (h_->fence)
    zeFenceDestroy(h_->fence);
  if (h_->list)
    zeCommandListDestroy(h_->list);
  if (h_->queue)
    zeCommandQueueDestroy(h_->queue);
  for (void *p : memory_)
    zeMemFree(l0.context, p);
}

std::optional<Status>
InferRequest::stateArgument(const std::string &name) const {
  for (const VariableInfo &v : model_->variables())
    if (v.inputName == name || v.outputName == name)
      return Status::error(
          "'" + name + "' is the " +
          (v.inputName == name ? "input" : "output") + " of state variable '" +
          v.name +
          "': the request feeds and updates it; read or set the "
          "variable through queryState()");
  return std::nullopt;
}

Expected<Tensor> InferRequest::getTensor(const std::string &name) {
  const CompiledModel &m = *model_;
  const auto &ins = m.inputs(), &outs = m.outputs();
  for (size_t i = 0; i < ins.size(); ++i)
    if (ins[i].name == name)
      return Tensor{&ins[i], memory_[m.inputArgs_[i]], ins[i].byteSize()};
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].name == name)
      return Tensor{&outs[i], memory_[m.outputArgs_[i]], outs[i].byteSize()};
  if (std::optional<Status> state = stateArgument(name))
    return *state;
  std::string names;
  for (const TensorInfo &t : ins)
    names += (names.empty() ? "" : ", ") + t.name;
  for (const TensorInfo &t : outs)
    names += (names.empty() ? "" : ", ") + t.name;
  return Status::error("the model has no tensor '" + name +
                       "' (it has: " + names + ")");
}

/// Copies `t` into `dst` after checking it has `info`'s type and shape;
/// `what` names the destination in the error.
static Status copyChecked(const TensorInfo &info, const HostTensor &t,
                          void *dst, const std::string &what) {
  if (t.dtype() != info.dtype || t.shape() != info.shape)
    return Status::error(what + " expects " + dtypeName(info.dtype) + " " +
                         shapeToString(info.shape) + ", got " +
                         dtypeName(t.dtype()) + " " + shapeToString(t.shape()));
  std::memcpy(dst, t.raw(), info.byteSize());
  return Status::success();
}

Status InferRequest::setTensor(const std::string &name, const HostTensor &t) {
  const auto &ins = model_->inputs();
  for (size_t i = 0; i < ins.size(); ++i)
    if (ins[i].name == name)
      return copyChecked(ins[i], t, memory_[model_->inputArgs_[i]],
                         "input '" + name + "'");
  if (std::optional<Status> state = stateArgument(name))
    return *state;
  for (const TensorInfo &o : model_->outputs())
    if (o.name == name)
      return Status::error("'" + name +
                           "' is an output; only inputs can be set");
  std::string names;
  for (const TensorInfo &in : ins)
    names += (names.empty() ? "" : ", ") + in.name;
  return Status::error("the model has no input '" + name +
                       "' (inputs: " + names + ")");
}

std::vector<VariableState> InferRequest::queryState() {
  std::vector<VariableState> states;
  for (size_t k = 0; k < state_.size(); ++k)
    states.push_back(VariableState(this, k));
  return states;
}

const std::string &VariableState::name() const {
  return request_->model_->variables()[index_].name;
}

const TensorInfo &VariableState::info() const {
  return request_->model_->variables()[index_].info;
}

/// The error of a state access while an inference may write the state.
static Status stateBusy(const std::string &name) {
  return Status::error("state variable '" + name +
                       "' is in use by a running inference; wait() first");
}

Expected<HostTensor> VariableState::getState() const {
  if (request_->running_)
    return stateBusy(name());
  return request_->state_[index_];
}

Status VariableState::setState(const HostTensor &value) {
  if (request_->running_)
    return stateBusy(name());
  return copyChecked(info(), value, request_->state_[index_].raw(),
                     "state variable '" + name() + "'");
}

Status VariableState::reset() {
  if (request_->running_)
    return stateBusy(name());
  HostTensor &t = request_->state_[index_];
  std::memset(t.raw(), 0, t.byteSize());
  return Status::success();
}

Status InferRequest::submit() {
  Status s = model_->ensureInitialized(); // Deferred weight loading.
  if (!s)
    return s;
  for (size_t k = 0; k < state_.size(); ++k)
    std::memcpy(memory_[model_->variableArgs_[k].first], state_[k].raw(),
                state_[k].byteSize());
  LevelZero &l0 = *model_->l0_;
  ze_result_t r = zeFenceReset(h_->fence);
  if (r == ZE_RESULT_SUCCESS)
    r = zeCommandQueueExecuteCommandLists(h_->queue, 1, &h_->list, h_->fence);
  if (r != ZE_RESULT_SUCCESS)
    return Status::error(l0.describe(r, "submitting the inference"));
  return Status::success();
}

Status InferRequest::finish() {
  LevelZero &l0 = *model_->l0_;
  ze_result_t r = zeFenceHostSynchronize(h_->fence, UINT64_MAX);
  if (r != ZE_RESULT_SUCCESS)
    return Status::error(l0.describe(r, "inference"));
  // Only a completed inference advances the state.
  for (size_t k = 0; k < state_.size(); ++k)
    std::memcpy(state_[k].raw(), memory_[model_->variableArgs_[k].second],
                state_[k].byteSize());
  return Status::success();
}

Status InferRequest::infer() {
  if (running_)
    return Status::error("an asynchronous inference is running; wait() first");
  Status s = submit();
  return s ? finish() : s;
}

Status InferRequest::startAsync(std::function<void(const Status &)> callback) {
  if (running_)
    return Status::error("an inference is already running on this request");
  Status s = submit();
  if (!s)
    return s;
  running_ = true;
  waiter_ = std::thread([this, callback] {
    asyncStatus_ = finish();
    if (callback)
      callback(asyncStatus_);
  });
  return Status::success();
}

Status InferRequest::wait() {
  if (!running_)
    return Status::error("no asynchronous inference was started");
  waiter_.join();
  running_ = false;
  return asyncStatus_;
}

Expected<InferenceProfile> InferRequest::profile() const {
  LevelZero &l0 = *model_->l0_;
  ze_graph_profiling_summary_t sum{};
  uint32_t size = sizeof(sum);
  ze_result_t r = l0.profiling->pfnProfilingQueryGetData(
      h_->query, ZE_GRAPH_PROFILING_RAW, &size,
      reinterpret_cast<uint8_t *>(&sum));
  if (r != ZE_RESULT_SUCCESS)
    return Status::error(l0.describe(r, "reading the profile"));
  InferenceProfile p;
  p.totalCycles = sum.totalCycles;
  p.latencyUs = double(sum.totalCycles) * 1000.0 / double(sum.dpuClockKHz);
  p.dmaBusyCycles = sum.busyCycles[ZE_GRAPH_ENGINE_DMA];
  p.dpuBusyCycles = sum.busyCycles[ZE_GRAPH_ENGINE_DPU];
  p.shaveBusyCycles = sum.busyCycles[ZE_GRAPH_ENGINE_SHAVE];
  if (!model_->config().profiling)
    return p;
  size = 0;
  l0.profiling->pfnProfilingQueryGetData(
      h_->query, ZE_GRAPH_PROFILING_TASK_LEVEL, &size, nullptr);
  std::vector<ze_graph_profiling_task_info_t> tasks(
      size / sizeof(ze_graph_profiling_task_info_t));
  if (!tasks.empty() &&
      (r = l0.profiling->pfnProfilingQueryGetData(
           h_->query, ZE_GRAPH_PROFILING_TASK_LEVEL, &size,
           reinterpret_cast<uint8_t *>(tasks.data()))) != ZE_RESULT_SUCCESS)
    return Status::error(l0.describe(r, "reading the task profile"));
  const char *engines[] = {"dma", "dpu", "shave"};
  for (const auto &t : tasks)
    p.tasks.push_back({t.name,
                       std::string(engines[t.engine % 3]) + "[" +
                           std::to_string(t.engineIndex) + "]",
                       t.startCycles, t.endCycles});
  return p;
}

Expected<std::string> InferRequest::traceJson() const {
  LevelZero &l0 = *model_->l0_;
  uint32_t size = 0;
  ze_result_t r =
      l0.profiling->pfnProfilingLogGetString(h_->query, &size, nullptr);
  if (r != ZE_RESULT_SUCCESS)
    return Status::error(l0.describe(r, "reading the trace"));
  std::string s(size, '\0');
  r = l0.profiling->pfnProfilingLogGetString(h_->query, &size, s.data());
  if (r != ZE_RESULT_SUCCESS)
    return Status::error(l0.describe(r, "reading the trace"));
  s.resize(size ? size - 1 : 0);
  return s;
}

} // namespace npu::runtime
