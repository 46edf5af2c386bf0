//===- InferRequest.h - One inference slot of a compiled model -*- C++ -*-===//
//
// An infer request owns device-visible memory for every input and output,
// a command list that executes the graph on that memory, a queue and a
// fence. get_tensor returns the device memory itself (no copy); set_tensor
// copies into it after checking name, element type and shape. Requests are
// independent: several may run at once from several threads.
//
// A request of a stateful model keeps one value per state variable, zeros
// at first: it is copied into the variable's input before each inference
// and replaced by the variable's output after each successful one.
// queryState() reads, sets and resets them (OpenVINO's query_state()).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_INFERREQUEST_H
#define NPU_RUNTIME_INFERREQUEST_H

#include "npu/Runtime/CompiledModel.h"
#include "npu/Support/HostTensor.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace npu::runtime {

struct RequestHandles;

/// A view of a request's device memory for one argument.
struct Tensor {
  const TensorInfo *info = nullptr;
  void *data = nullptr;
  size_t byteSize = 0;
  template <typename T> T *as() const { return static_cast<T *>(data); }
  /// A host copy (for writing .npy files).
  HostTensor toHost() const;
};

/// One task of the last inference on the modelled timeline.
struct TaskProfile {
  std::string name;
  std::string engine; ///< "dma[0]", "dpu[1]", "shave[2]".
  uint64_t startCycles = 0;
  uint64_t endCycles = 0;
};

struct InferenceProfile {
  uint64_t totalCycles = 0; ///< Modelled NPU latency.
  double latencyUs = 0.0;
  /// Busy cycles summed over every engine of the kind (6 DPUs each busy
  /// half the time: 3x the latency), not the time any one is busy.
  uint64_t dmaBusyCycles = 0, dpuBusyCycles = 0, shaveBusyCycles = 0;
  std::vector<TaskProfile> tasks; ///< Only with ModelConfig::profiling.
};

class InferRequest;

/// One state variable of one infer request (OpenVINO's ov::VariableState).
/// It refers to its request, which must outlive it.
class VariableState {
public:
  const std::string &name() const;
  /// Element type and shape of the value.
  const TensorInfo &info() const;
  /// A copy of the value the next inference starts from. Fails while an
  /// asynchronous inference runs on the request.
  Expected<HostTensor> getState() const;
  /// Replaces the value; its element type and shape must be the
  /// variable's. Fails while an asynchronous inference runs.
  Status setState(const HostTensor &value);
  /// Back to zeros, the value of a new request.
  Status reset();

private:
  friend class InferRequest;
  VariableState(InferRequest *request, size_t index)
      : request_(request), index_(index) {}
  InferRequest *request_;
  size_t index_;
};

class InferRequest {
public:
  ~InferRequest();
  InferRequest(const InferRequest &) = delete;
  InferRequest &operator=(const InferRequest &) = delete;

  /// The device memory of input or output `name`. A state variable's
  /// input or output is not one: see queryState().
  Expected<Tensor> getTensor(const std::string &name);
  /// Copies `t` into input `name`; its element type and shape must match.
  Status setTensor(const std::string &name, const HostTensor &t);

  /// The state variables of this request, in CompiledModel::variables()
  /// order (none for a model without state).
  std::vector<VariableState> queryState();

  /// Runs one inference and waits for it.
  Status infer();
  /// Starts one inference; `callback` (optional) runs on another thread
  /// with the result when it completes. Fails if one is already running.
  Status startAsync(std::function<void(const Status &)> callback = {});
  /// Waits for the inference started by startAsync.
  Status wait();

  /// Modelled timings of the last completed inference.
  Expected<InferenceProfile> profile() const;
  /// The last inference as Chrome / Perfetto trace JSON.
  Expected<std::string> traceJson() const;

private:
  friend class CompiledModel;
  friend class VariableState;
  InferRequest() = default;
  Status submit();
  Status finish();
  /// Why `name` cannot be set or read as a tensor, if it is a state
  /// variable's input or output.
  std::optional<Status> stateArgument(const std::string &name) const;

  std::shared_ptr<CompiledModel> model_;
  std::unique_ptr<RequestHandles> h_;
  std::vector<void *> memory_;    ///< Graph inputs then graph outputs.
  std::vector<HostTensor> state_; ///< One value per state variable.
  std::thread waiter_;
  Status asyncStatus_;
  bool running_ = false;
};

} // namespace npu::runtime

#endif // NPU_RUNTIME_INFERREQUEST_H
