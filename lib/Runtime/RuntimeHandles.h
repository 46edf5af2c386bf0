//===- RuntimeHandles.h - Level Zero objects behind runtime objects -------===//
//
// Private to lib/Runtime: keeps Level Zero types out of the public headers.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_RUNTIME_RUNTIMEHANDLES_H
#define NPU_LIB_RUNTIME_RUNTIMEHANDLES_H

#include "LevelZero.h"

#include "npu/Support/HostTensor.h"

#include <optional>

namespace npu::runtime {

struct GraphHandles {
  const LevelZero::Device *device = nullptr;
  ze_graph_handle_t graph = nullptr;
};

struct RequestHandles {
  ze_command_queue_handle_t queue = nullptr;
  ze_command_list_handle_t list = nullptr;
  ze_fence_handle_t fence = nullptr;
  ze_graph_profiling_pool_handle_t pool = nullptr;
  ze_graph_profiling_query_handle_t query = nullptr;
};

/// Element type of a graph argument precision.
std::optional<DType> dtypeFromPrecision(ze_graph_argument_precision_t p);

} // namespace npu::runtime

#endif // NPU_LIB_RUNTIME_RUNTIMEHANDLES_H
