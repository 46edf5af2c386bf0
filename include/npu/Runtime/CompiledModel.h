//===- CompiledModel.h - A blob loaded on an NPU device --------*- C++ -*-===//
//
// A compiled model is a verified blob turned into a Level Zero graph on one
// device. Its weights are uploaded at import, or at the first inference
// with ModelConfig::deferWeightsLoad. It creates any number of infer
// requests, which may run in parallel.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_COMPILEDMODEL_H
#define NPU_RUNTIME_COMPILEDMODEL_H

#include "npu/Runtime/Core.h"
#include "npu/Support/HostTensor.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace npu::runtime {

class InferRequest;
class LevelZero;
struct GraphHandles;

/// A graph argument as the model declares it.
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::string layout; ///< "NCHW", "NHWC" or "ANY".
  float scale = 0.0f; ///< Per-tensor quantization, 0 if none.
  int32_t zeroPoint = 0;
  size_t byteSize() const;
};

class CompiledModel : public std::enable_shared_from_this<CompiledModel> {
public:
  ~CompiledModel();
  const std::vector<TensorInfo> &inputs() const { return inputs_; }
  const std::vector<TensorInfo> &outputs() const { return outputs_; }
  const DeviceInfo &device() const { return device_; }
  const ModelConfig &config() const { return config_; }
  /// For the model's performance hint.
  uint32_t optimalInferRequests() const {
    return device_.optimalInferRequests(config_.hint);
  }
  /// The platform the blob targets, the compiler that produced it.
  const std::string &target() const { return target_; }

  Expected<std::shared_ptr<InferRequest>> createInferRequest();

private:
  friend class Core;
  friend class InferRequest;
  CompiledModel() = default;
  /// Uploads the weights once (no-op afterwards).
  Status ensureInitialized();

  std::shared_ptr<LevelZero> l0_;
  std::unique_ptr<GraphHandles> graph_;
  std::vector<TensorInfo> inputs_, outputs_;
  DeviceInfo device_;
  ModelConfig config_;
  std::string target_;
  std::mutex mutex_; ///< Graph argument binding + initialisation.
  bool initialized_ = false;
};

} // namespace npu::runtime

#endif // NPU_RUNTIME_COMPILEDMODEL_H
