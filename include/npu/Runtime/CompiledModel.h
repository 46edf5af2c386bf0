//===- CompiledModel.h - A blob loaded on an NPU device --------*- C++ -*-===//
//
// A compiled model is a verified blob turned into a Level Zero graph on one
// device. Its weights are uploaded at import, or at the first inference
// with ModelConfig::deferWeightsLoad. It creates any number of infer
// requests, which may run in parallel.
//
// A stateful model (docs/state.md) has state variables: graph inputs fed
// from, and graph outputs copied back into, a value each infer request
// keeps. inputs() and outputs() list only the other arguments, as
// OpenVINO's ov::CompiledModel does; variables() lists the state.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_COMPILEDMODEL_H
#define NPU_RUNTIME_COMPILEDMODEL_H

#include "npu/Runtime/Core.h"
#include "npu/Support/HostTensor.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>
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

/// A state variable of a stateful model.
struct VariableInfo {
  std::string name;       ///< The variable's name (its input's name).
  TensorInfo info;        ///< Its element type and shape.
  std::string inputName;  ///< The graph input it feeds.
  std::string outputName; ///< The graph output that gives its next value.
};

class CompiledModel : public std::enable_shared_from_this<CompiledModel> {
public:
  ~CompiledModel();
  /// The inputs and outputs a user sets and reads: every graph argument
  /// but the state variables'.
  const std::vector<TensorInfo> &inputs() const { return inputs_; }
  const std::vector<TensorInfo> &outputs() const { return outputs_; }
  /// The state variables, in the order of their inputs.
  const std::vector<VariableInfo> &variables() const { return variables_; }
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
  /// With inputs_ and outputs_ holding every graph argument: reads the
  /// blob's state variables, fills args_, variables_ and the argument
  /// maps, and leaves in inputs_ and outputs_ the arguments a user sees.
  Status bindStates(const void *blob, size_t size);

  std::shared_ptr<LevelZero> l0_;
  std::unique_ptr<GraphHandles> graph_;
  /// Every graph argument: graph inputs first, then outputs.
  std::vector<TensorInfo> args_;
  std::vector<TensorInfo> inputs_, outputs_;
  /// The graph argument of each of inputs_, outputs_; of each variable's
  /// input and output.
  std::vector<uint32_t> inputArgs_, outputArgs_;
  std::vector<VariableInfo> variables_;
  std::vector<std::pair<uint32_t, uint32_t>> variableArgs_;
  DeviceInfo device_;
  ModelConfig config_;
  std::string target_;
  std::mutex mutex_; ///< Graph argument binding + initialisation.
  bool initialized_ = false;
};

} // namespace npu::runtime

#endif // NPU_RUNTIME_COMPILEDMODEL_H
