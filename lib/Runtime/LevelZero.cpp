//===- LevelZero.cpp - Finding the NPU driver and initialising Level Zero -===//
//
// The Level Zero loader dlopens the drivers listed in ZE_ENABLE_ALT_DRIVERS
// (by default Intel's GPU and NPU drivers). Unless the user already set that
// variable, the runtime sets it, before zeInit, to Intel's NPU driver soname
// plus the absolute path of this project's simulator, found next to the
// running binary (bin/../lib), at the build-tree or the install path, or
// given by NPU_SIM_DRIVER. A real Intel NPU driver that shows up is reported
// and not used: it expects Intel's native ELF blobs, which this project
// does not produce.
//
//===----------------------------------------------------------------------===//

#include "LevelZero.h"

#include "npu/Arch/Hardware.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <unistd.h>

namespace npu::runtime {

namespace {

constexpr const char *kSimulatorLib = "libze_npu_sim.so.1";
constexpr const char *kIntelNpuDriver = "libze_intel_vpu.so.1";

std::string dirOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool readable(const std::string &p) { return access(p.c_str(), R_OK) == 0; }

std::string lastDriverError(const LevelZero &l0) {
  if (!l0.npu)
    return "";
  uint32_t size = 0;
  if (l0.npu->pfnGetLastErrorString(&size, nullptr) != ZE_RESULT_SUCCESS ||
      size <= 1)
    return "";
  std::string s(size, '\0');
  l0.npu->pfnGetLastErrorString(&size, s.data());
  s.resize(size ? size - 1 : 0);
  return s;
}

} // namespace

const char *resultName(ze_result_t r) {
  switch (r) {
  case ZE_RESULT_SUCCESS:
    return "ZE_RESULT_SUCCESS";
  case ZE_RESULT_NOT_READY:
    return "ZE_RESULT_NOT_READY";
  case ZE_RESULT_ERROR_UNINITIALIZED:
    return "ZE_RESULT_ERROR_UNINITIALIZED";
  case ZE_RESULT_ERROR_DEVICE_LOST:
    return "ZE_RESULT_ERROR_DEVICE_LOST";
  case ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY:
    return "ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY";
  case ZE_RESULT_ERROR_UNSUPPORTED_FEATURE:
    return "ZE_RESULT_ERROR_UNSUPPORTED_FEATURE";
  case ZE_RESULT_ERROR_INVALID_ARGUMENT:
    return "ZE_RESULT_ERROR_INVALID_ARGUMENT";
  case ZE_RESULT_ERROR_INVALID_NULL_HANDLE:
    return "ZE_RESULT_ERROR_INVALID_NULL_HANDLE";
  case ZE_RESULT_ERROR_INVALID_NULL_POINTER:
    return "ZE_RESULT_ERROR_INVALID_NULL_POINTER";
  case ZE_RESULT_ERROR_INVALID_SIZE:
    return "ZE_RESULT_ERROR_INVALID_SIZE";
  case ZE_RESULT_ERROR_INVALID_NATIVE_BINARY:
    return "ZE_RESULT_ERROR_INVALID_NATIVE_BINARY";
  case ZE_RESULT_ERROR_INVALID_ENUMERATION:
    return "ZE_RESULT_ERROR_INVALID_ENUMERATION";
  case ZE_RESULT_ERROR_UNKNOWN:
    return "ZE_RESULT_ERROR_UNKNOWN";
  default:
    return "ZE_RESULT_ERROR (other)";
  }
}

std::string LevelZero::simulatorPath() {
  if (const char *e = std::getenv("NPU_SIM_DRIVER"))
    return e;
  std::vector<std::string> candidates;
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&LevelZero::simulatorPath), &info) &&
      info.dli_fname) {
    std::string dir = dirOf(info.dli_fname);
    candidates.push_back(dir + "/" + kSimulatorLib);
    candidates.push_back(dir + "/../lib/" + kSimulatorLib);
  }
#ifdef NPU_SIM_DRIVER_BUILD_PATH
  candidates.push_back(NPU_SIM_DRIVER_BUILD_PATH);
#endif
#ifdef NPU_SIM_DRIVER_INSTALL_PATH
  candidates.push_back(NPU_SIM_DRIVER_INSTALL_PATH);
#endif
  for (const std::string &c : candidates)
    if (readable(c)) {
      char resolved[4096];
      return realpath(c.c_str(), resolved) ? std::string(resolved) : c;
    }
  return candidates.empty() ? kSimulatorLib : candidates.front();
}

std::string LevelZero::describe(ze_result_t r, const std::string &what) const {
  std::string msg = what + " failed (" + resultName(r) + ")";
  std::string detail = lastDriverError(*this);
  if (!detail.empty())
    msg += ": " + detail;
  return msg;
}

LevelZero::~LevelZero() {
  if (context)
    zeContextDestroy(context);
}

Expected<std::shared_ptr<LevelZero>> LevelZero::get() {
  static std::mutex m;
  // Weak: a static owner would destroy the context during exit, after the
  // driver's own statics (it is dlopened later) are gone.
  static std::weak_ptr<LevelZero> instance;
  static std::string initError;
  // Whether ZE_ENABLE_ALT_DRIVERS is the runtime's own choice (a second
  // connection must not report it as the user's).
  static bool altDriversSetHere = false;
  std::lock_guard<std::mutex> lock(m);
  if (std::shared_ptr<LevelZero> live = instance.lock())
    return live;
  if (!initError.empty())
    return Status::error(initError);

  auto l0 = std::make_shared<LevelZero>();
  std::string sim = simulatorPath();
  bool userDrivers =
      !altDriversSetHere && std::getenv("ZE_ENABLE_ALT_DRIVERS") != nullptr;
  if (!userDrivers) {
    std::string list = std::string(kIntelNpuDriver) + "," + sim;
    altDriversSetHere = setenv("ZE_ENABLE_ALT_DRIVERS", list.c_str(), 0) == 0;
  } else {
    l0->notes.push_back(
        std::string("using the drivers in ZE_ENABLE_ALT_DRIVERS=") +
        std::getenv("ZE_ENABLE_ALT_DRIVERS"));
  }
  ze_result_t r = zeInit(ZE_INIT_FLAG_VPU_ONLY);
  if (r != ZE_RESULT_SUCCESS) {
    initError = std::string("Level Zero initialisation failed (") +
                resultName(r) + "): no NPU driver could be loaded" +
                (userDrivers ? " from ZE_ENABLE_ALT_DRIVERS"
                             : std::string("; the simulated NPU driver was "
                                           "looked for at ") +
                                   sim + (readable(sim) ? "" : " (not found)"));
    return Status::error(initError);
  }
  uint32_t count = 0;
  zeDriverGet(&count, nullptr);
  std::vector<ze_driver_handle_t> drivers(count);
  if (count)
    zeDriverGet(&count, drivers.data());
  for (ze_driver_handle_t d : drivers) {
    uint32_t n = 0;
    zeDriverGetExtensionProperties(d, &n, nullptr);
    std::vector<ze_driver_extension_properties_t> exts(n);
    if (n)
      zeDriverGetExtensionProperties(d, &n, exts.data());
    bool isSim = false;
    for (const auto &e : exts)
      isSim |= std::strcmp(e.name, ZE_NPU_DEVICE_EXT_NAME) == 0;
    if (!isSim) {
      uint32_t nd = 0;
      zeDeviceGet(d, &nd, nullptr);
      std::vector<ze_device_handle_t> devs(nd);
      if (nd)
        zeDeviceGet(d, &nd, devs.data());
      for (ze_device_handle_t dev : devs) {
        auto p =
            zeDesc<ze_device_properties_t>(ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES);
        if (zeDeviceGetProperties(dev, &p) == ZE_RESULT_SUCCESS &&
            p.type == ZE_DEVICE_TYPE_VPU)
          l0->notes.push_back(
              std::string("found a real Intel NPU (") + p.name +
              ") through Intel's driver; it is not used: it runs Intel's "
              "native ELF blobs, and this project's blobs are its own "
              "format (see docs/blob-format.md). Using the simulated NPU.");
      }
      continue;
    }
    if (l0->driver)
      continue;
    l0->driver = d;
    void *table = nullptr;
    if (zeDriverGetExtensionFunctionAddress(d, ZE_GRAPH_EXT_NAME, &table) ==
        ZE_RESULT_SUCCESS)
      l0->graph = static_cast<const ze_graph_dditable_ext_t *>(table);
    if (zeDriverGetExtensionFunctionAddress(d, ZE_PROFILING_DATA_EXT_NAME,
                                            &table) == ZE_RESULT_SUCCESS)
      l0->profiling =
          static_cast<const ze_graph_profiling_dditable_ext_t *>(table);
    if (zeDriverGetExtensionFunctionAddress(d, ZE_NPU_DEVICE_EXT_NAME,
                                            &table) == ZE_RESULT_SUCCESS)
      l0->npu = static_cast<const ze_npu_device_dditable_ext_t *>(table);
  }
  if (!l0->driver || !l0->graph || !l0->profiling || !l0->npu) {
    initError = "no usable NPU driver: the simulated NPU driver (" + sim +
                ") was not loaded by the Level Zero loader";
    for (const std::string &n : l0->notes)
      initError += "; " + n;
    return Status::error(initError);
  }
  auto dp = zeDesc<ze_driver_properties_t>(ZE_STRUCTURE_TYPE_DRIVER_PROPERTIES);
  zeDriverGetProperties(l0->driver, &dp);
  std::string driverVersion = std::to_string(dp.driverVersion >> 24) + "." +
                              std::to_string((dp.driverVersion >> 16) & 0xFF) +
                              "." + std::to_string(dp.driverVersion & 0xFFFF) +
                              " (simulated NPU, " + sim + ")";
  auto cd = zeDesc<ze_context_desc_t>(ZE_STRUCTURE_TYPE_CONTEXT_DESC);
  r = zeContextCreate(l0->driver, &cd, &l0->context);
  if (r != ZE_RESULT_SUCCESS) {
    initError = l0->describe(r, "zeContextCreate");
    return Status::error(initError);
  }
  l0->rawContext = l0->translate(ZEL_HANDLE_CONTEXT, l0->context);
  uint32_t nd = 0;
  zeDeviceGet(l0->driver, &nd, nullptr);
  std::vector<ze_device_handle_t> devs(nd);
  if (nd)
    zeDeviceGet(l0->driver, &nd, devs.data());
  for (ze_device_handle_t dev : devs) {
    Device d{dev, l0->translate(ZEL_HANDLE_DEVICE, dev), {}};
    auto p =
        zeDesc<ze_device_properties_t>(ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES);
    ze_npu_device_properties_t np{};
    np.stype = ZE_STRUCTURE_TYPE_NPU_DEVICE_PROPERTIES;
    if (zeDeviceGetProperties(dev, &p) != ZE_RESULT_SUCCESS ||
        p.type != ZE_DEVICE_TYPE_VPU ||
        l0->npu->pfnDeviceGetProperties(d.raw, &np) != ZE_RESULT_SUCCESS)
      continue;
    DeviceInfo &i = d.info;
    i.name = np.platform;
    i.fullName = p.name;
    i.architecture = np.platform;
    i.deviceId = p.deviceId;
    i.tiles = np.numTiles;
    i.maxTiles = np.maxTiles;
    i.dpuClockMHz = np.dpuClockKHz / 1000;
    i.cmxBytesPerTile = np.cmxBytesPerTile;
    i.optimalInferRequestsLatency = np.optimalInferRequestsLatency;
    i.optimalInferRequestsThroughput = np.optimalInferRequestsThroughput;
    i.driverVersion = driverVersion;
    i.simulated = np.simulated != 0;
    l0->devices.push_back(d);
  }
  if (l0->devices.empty()) {
    initError = "the NPU driver reports no NPU device";
    return Status::error(initError);
  }
  instance = l0;
  return l0;
}

} // namespace npu::runtime
