//===- Core.cpp - Devices, properties and model import --------------------===//

#include "npu/Runtime/Core.h"
#include "npu/Runtime/CompiledModel.h"

#include "LevelZero.h"
#include "RuntimeHandles.h"

#include "npu/Arch/Hardware.h"
#include "npu/Blob/BlobReader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace npu::runtime {

Core::~Core() = default;

Expected<std::shared_ptr<Core>> Core::create() {
  Expected<std::shared_ptr<LevelZero>> l0 = LevelZero::get();
  if (!l0)
    return l0.status();
  std::shared_ptr<Core> core(new Core());
  core->l0_ = *l0;
  for (const LevelZero::Device &d : core->l0_->devices)
    core->devices_.push_back(d.info);
  core->notes_ = core->l0_->notes;
  return core;
}

Expected<DeviceInfo> Core::device(const std::string &name) const {
  std::optional<arch::Platform> p = arch::parsePlatform(name);
  for (const DeviceInfo &d : devices_)
    if (p && d.name == arch::platformName(*p))
      return d;
  std::string names;
  for (const DeviceInfo &d : devices_)
    names += (names.empty() ? "" : ", ") + d.name;
  return Status::error("no NPU device called '" + name +
                       "' (available: " + names + ")");
}

Expected<std::string> Core::getProperty(const std::string &deviceName,
                                        const std::string &key,
                                        PerformanceHint hint) const {
  Expected<DeviceInfo> d = device(deviceName);
  if (!d)
    return d.status();
  const DeviceInfo &i = *d;
  if (key == "DEVICE_NAME")
    return i.name;
  if (key == "FULL_DEVICE_NAME")
    return i.fullName;
  if (key == "DEVICE_ARCHITECTURE")
    return i.architecture;
  if (key == "NPU_TILES")
    return std::to_string(i.tiles);
  if (key == "NPU_MAX_TILES")
    return std::to_string(i.maxTiles);
  if (key == "OPTIMAL_NUMBER_OF_INFER_REQUESTS")
    return std::to_string(i.optimalInferRequests(hint));
  if (key == "NPU_DRIVER_VERSION")
    return i.driverVersion;
  if (key == "NPU_SIMULATED")
    return std::string(i.simulated ? "YES" : "NO");
  return Status::error(
      "unknown property '" + key +
      "' (DEVICE_NAME, FULL_DEVICE_NAME, DEVICE_ARCHITECTURE, NPU_TILES, "
      "NPU_MAX_TILES, OPTIMAL_NUMBER_OF_INFER_REQUESTS, NPU_DRIVER_VERSION, "
      "NPU_SIMULATED)");
}

Expected<std::shared_ptr<CompiledModel>>
Core::importModel(const std::string &path, const ModelConfig &config) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return Status::error("cannot open blob '" + path +
                         "': " + std::strerror(errno));
  struct stat st;
  bool statted = fstat(fd, &st) == 0;
  // A pipe or a device (npu-run <(cat m.blob)): read, not mapped.
  if (statted && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    close(fd);
    std::vector<uint8_t> bytes;
    std::string error;
    if (!blob::readFile(path, bytes, error))
      return Status::error(error);
    auto model = importModel(bytes.data(), bytes.size(), config);
    if (!model)
      return Status::error(path + ": " + model.message());
    return model;
  }
  if (!statted || st.st_size == 0 || S_ISDIR(st.st_mode)) {
    bool dir = statted && S_ISDIR(st.st_mode);
    close(fd);
    return Status::error("blob '" + path + "' " +
                         (dir ? "is a directory" : "is empty or unreadable"));
  }
  size_t size = size_t(st.st_size);
  void *data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (data == MAP_FAILED)
    return Status::error("cannot map blob '" + path + "'");
  auto model = importModel(data, size, config);
  munmap(data, size);
  if (!model)
    return Status::error(path + ": " + model.message());
  return model;
}

Expected<std::shared_ptr<CompiledModel>>
Core::importModel(const void *data, size_t size, const ModelConfig &config) {
  LevelZero &l0 = *l0_;
  blob::FileHeader header;
  std::string error;
  if (!blob::readHeader(data, size, header, error))
    return Status::error(error);
  std::string devName =
      config.device.empty()
          ? std::string(arch::platformName(arch::Platform(header.platform)))
          : config.device;
  Expected<DeviceInfo> info = device(devName);
  if (!info)
    return info.status();
  const LevelZero::Device *dev = nullptr;
  for (const LevelZero::Device &d : l0.devices)
    if (d.info.name == info->name)
      dev = &d;

  std::shared_ptr<CompiledModel> m(new CompiledModel());
  m->l0_ = l0_;
  m->device_ = *info;
  m->config_ = config;
  m->target_ = arch::platformName(arch::Platform(header.platform));
  m->graph_ = std::make_unique<GraphHandles>();
  m->graph_->device = dev;

  ze_graph_desc_t desc{};
  desc.stype = ZE_STRUCTURE_TYPE_GRAPH_DESC;
  desc.format = ZE_GRAPH_FORMAT_NATIVE;
  desc.inputSize = size;
  desc.pInput = static_cast<const uint8_t *>(data);
  ze_result_t r =
      l0.graph->pfnCreate(l0.rawContext, dev->raw, &desc, &m->graph_->graph);
  if (r != ZE_RESULT_SUCCESS) {
    uint32_t n = 0;
    std::string log;
    if (l0.graph->pfnBuildLogGetString(nullptr, &n, nullptr) ==
            ZE_RESULT_SUCCESS &&
        n > 1) {
      log.resize(n);
      l0.graph->pfnBuildLogGetString(nullptr, &n, log.data());
      log.resize(n - 1);
    }
    return Status::error("cannot load the blob on " + info->name + ": " +
                         (log.empty() ? resultName(r) : log));
  }
  ze_graph_properties_t gp{};
  gp.stype = ZE_STRUCTURE_TYPE_GRAPH_PROPERTIES;
  l0.graph->pfnGetProperties(m->graph_->graph, &gp);
  for (uint32_t i = 0; i < gp.numGraphArgs; ++i) {
    ze_graph_argument_properties_t ap{};
    ap.stype = ZE_STRUCTURE_TYPE_GRAPH_ARGUMENT_PROPERTIES;
    r = l0.graph->pfnGetArgumentProperties(m->graph_->graph, i, &ap);
    if (r != ZE_RESULT_SUCCESS)
      return Status::error(l0.describe(r, "zeGraphGetArgumentProperties"));
    TensorInfo t;
    t.name = ap.name;
    std::optional<DType> dt = dtypeFromPrecision(ap.devicePrecision);
    if (!dt)
      return Status::error("argument '" + t.name +
                           "' has an element type this runtime does not know");
    t.dtype = *dt;
    for (uint32_t d = 0; d < ap.dims_count; ++d)
      t.shape.push_back(ap.dims[d]);
    t.layout = ap.deviceLayout == ZE_GRAPH_ARGUMENT_LAYOUT_NCHW   ? "NCHW"
               : ap.deviceLayout == ZE_GRAPH_ARGUMENT_LAYOUT_NHWC ? "NHWC"
                                                                  : "ANY";
    t.scale = ap.quantScale;
    t.zeroPoint = ap.quantZeroPoint;
    (ap.type == ZE_GRAPH_ARGUMENT_TYPE_INPUT ? m->inputs_ : m->outputs_)
        .push_back(t);
  }
  Status s = m->bindStates(data, size);
  if (!s)
    return s;
  if (!config.deferWeightsLoad) {
    s = m->ensureInitialized();
    if (!s)
      return s;
  }
  return m;
}

} // namespace npu::runtime
