//===- LevelZero.h - The runtime's connection to Level Zero ----*- C++ -*-===//
//
// Private to lib/Runtime. Initialises the Level Zero loader once per
// process, making sure it can find this project's simulated NPU driver, and
// keeps the driver, context, devices and extension tables the runtime uses.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_RUNTIME_LEVELZERO_H
#define NPU_LIB_RUNTIME_LEVELZERO_H

#include "npu/Runtime/Core.h"
#include "npu/Simulator/ze_graph_ext.h"

#include <level_zero/loader/ze_loader.h>

#include <memory>
#include <string>
#include <vector>

namespace npu::runtime {

class LevelZero {
public:
  /// The process-wide connection, shared by every Core, CompiledModel and
  /// InferRequest alive; the last one to go destroys the context, and the
  /// next get() connects again. `notes` receives what a user should know
  /// about the drivers found.
  static Expected<std::shared_ptr<LevelZero>> get();

  LevelZero() = default;
  LevelZero(const LevelZero &) = delete;
  LevelZero &operator=(const LevelZero &) = delete;
  /// Destroys the context (the loader and the driver stay loaded).
  ~LevelZero();

  struct Device {
    ze_device_handle_t handle; ///< As the loader hands it out.
    ze_device_handle_t raw;    ///< Translated for extension calls.
    DeviceInfo info;
  };

  ze_driver_handle_t driver = nullptr;
  ze_context_handle_t context = nullptr;
  ze_context_handle_t rawContext = nullptr;
  std::vector<Device> devices;
  std::vector<std::string> notes;
  const ze_graph_dditable_ext_t *graph = nullptr;
  const ze_graph_profiling_dditable_ext_t *profiling = nullptr;
  const ze_npu_device_dditable_ext_t *npu = nullptr;

  /// Loader handle -> driver handle for extension functions (identity when
  /// the loader does not wrap handles).
  template <typename T> T translate(zel_handle_type_t type, T h) const {
    void *out = nullptr;
    if (h && zelLoaderTranslateHandle(type, h, &out) == ZE_RESULT_SUCCESS &&
        out)
      return static_cast<T>(out);
    return h;
  }

  /// "what: ZE_RESULT_ERROR_...: <the driver's message>".
  std::string describe(ze_result_t r, const std::string &what) const;

  /// Where the simulated driver library was looked for / found.
  static std::string simulatorPath();
};

/// A zero-initialised Level Zero descriptor with its stype set.
template <typename T> T zeDesc(ze_structure_type_t stype) {
  T d{};
  d.stype = stype;
  return d;
}

/// The name of a ze_result_t ("ZE_RESULT_ERROR_UNKNOWN").
const char *resultName(ze_result_t r);

} // namespace npu::runtime

#endif // NPU_LIB_RUNTIME_LEVELZERO_H
