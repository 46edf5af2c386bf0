//===- InferRequest.h - One inference slot of a compiled model -*- C++ -*-===//
//
// An infer request owns device-visible memory for every input and output,
// a command list that executes the graph on that memory, a queue and a
// fence. get_tensor returns the device memory itself (no copy); set_tensor
// copies into it after checking name, element type and shape. Requests are
// independent: several may run at once from several threads.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_INFERREQUEST_H
#define NPU_RUNTIME_INFERREQUEST_H

#include "npu/Runtime/CompiledModel.h"
#include "npu/Support/HostTensor.h"

#include <functional>
#include <memory>
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
  uint64_t dmaBusyCycles = 0, dpuBusyCycles = 0, shaveBusyCycles = 0;
  std::vector<TaskProfile> tasks; ///< Only with ModelConfig::profiling.
};

class InferRequest {
public:
  ~InferRequest();
  InferRequest(const InferRequest &) = delete;
  InferRequest &operator=(const InferRequest &) = delete;

  /// The device memory of input or output `name`.
  Expected<Tensor> getTensor(const std::string &name);
  /// Copies `t` into input `name`; its element type and shape must match.
  Status setTensor(const std::string &name, const HostTensor &t);

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
  InferRequest() = default;
  Status submit();
  Status finish();

  std::shared_ptr<CompiledModel> model_;
  std::unique_ptr<RequestHandles> h_;
  std::vector<void *> memory_; ///< Inputs then outputs.
  std::thread waiter_;
  Status asyncStatus_;
  bool running_ = false;
};

} // namespace npu::runtime

#endif // NPU_RUNTIME_INFERREQUEST_H
