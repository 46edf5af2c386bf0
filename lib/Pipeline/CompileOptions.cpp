//===- CompileOptions.cpp - Names of stages, precisions and methods -------===//

#include "npu/Pipeline/CompileOptions.h"
#include "npu/Support/NameList.h"

#include "StageTable.h"

namespace npu {

namespace {
template <typename Enum> struct NamedValue {
  Enum value;
  const char *name;
};

constexpr NamedValue<Precision> kPrecisions[] = {
    {Precision::Int8, "int8"},
    {Precision::Fp16, "fp16"},
    {Precision::Mixed, "mixed"},
};
constexpr NamedValue<CalibrationMethod> kCalibrationMethods[] = {
    {CalibrationMethod::MinMax, "minmax"},
    {CalibrationMethod::Percentile, "percentile"},
    {CalibrationMethod::Entropy, "entropy"},
    {CalibrationMethod::MSE, "mse"},
    {CalibrationMethod::Auto, "auto"},
};
constexpr NamedValue<PerfHint> kPerfHints[] = {
    {PerfHint::Latency, "latency"},
    {PerfHint::Throughput, "throughput"},
};

template <typename Enum, size_t N>
llvm::StringRef nameOf(const NamedValue<Enum> (&table)[N], Enum value) {
  for (const auto &entry : table)
    if (entry.value == value)
      return entry.name;
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> parse(const NamedValue<Enum> (&table)[N],
                          llvm::StringRef name) {
  for (const auto &entry : table)
    if (name.equals_insensitive(entry.name))
      return entry.value;
  return std::nullopt;
}

template <typename Enum, size_t N>
std::vector<std::string> namesOf(const NamedValue<Enum> (&table)[N]) {
  std::vector<std::string> names;
  for (const auto &entry : table)
    names.push_back(entry.name);
  return names;
}
} // namespace

unsigned CompileOptions::effectiveTiles() const {
  if (tiles)
    return tiles;
  const arch::HardwareDesc &hw = arch::hardware(target);
  return perfHint == PerfHint::Latency ? hw.latency.tiles : hw.throughput.tiles;
}

static const char *nameWith(const StageInfo &info, Precision precision) {
  if (precision == Precision::Mixed && info.stage == Stage::Lowered)
    return "mixed";
  return precision == Precision::Fp16 ? info.fp16Name : info.name;
}

llvm::StringRef stageName(Stage stage, Precision precision) {
  const char *name = nameWith(stageInfo(stage), precision);
  return name ? name : stageInfo(stage).name;
}

std::optional<Stage> parseStage(llvm::StringRef name, Precision precision) {
  for (const StageInfo &info : stageTable())
    if (const char *n = nameWith(info, precision); n && name == n)
      return info.stage;
  return std::nullopt;
}

bool stageExists(Stage stage, Precision precision) {
  return nameWith(stageInfo(stage), precision) != nullptr;
}

std::vector<Stage> stagesOf(Precision precision) {
  std::vector<Stage> stages;
  for (const StageInfo &info : stageTable())
    if (nameWith(info, precision))
      stages.push_back(info.stage);
  return stages;
}

std::vector<std::string> allStageNames(Precision precision) {
  std::vector<std::string> names;
  for (Stage stage : stagesOf(precision))
    names.push_back(stageName(stage, precision).str());
  return names;
}

llvm::StringRef precisionName(Precision p) { return nameOf(kPrecisions, p); }
std::optional<Precision> parsePrecision(llvm::StringRef name) {
  return parse(kPrecisions, name);
}
std::vector<std::string> allPrecisionNames() { return namesOf(kPrecisions); }

llvm::StringRef calibrationMethodName(CalibrationMethod m) {
  return nameOf(kCalibrationMethods, m);
}
std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name) {
  return parse(kCalibrationMethods, name);
}
std::vector<std::string> allCalibrationMethodNames() {
  return namesOf(kCalibrationMethods);
}

llvm::StringRef perfHintName(PerfHint h) { return nameOf(kPerfHints, h); }
std::optional<PerfHint> parsePerfHint(llvm::StringRef name) {
  return parse(kPerfHints, name);
}
std::vector<std::string> allPerfHintNames() { return namesOf(kPerfHints); }

std::string joinNames(const std::vector<std::string> &names) {
  std::string joined;
  for (const std::string &name : names)
    joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

std::vector<std::string> splitNameLists(llvm::ArrayRef<std::string> values) {
  std::vector<std::string> names;
  for (const std::string &value : values) {
    std::string name;
    for (size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      if (c == '\\' && i + 1 < value.size() &&
          (value[i + 1] == ',' || value[i + 1] == '\\')) {
        name += value[++i];
      } else if (c == ',') {
        names.push_back(std::move(name));
        name.clear();
      } else {
        name += c;
      }
    }
    names.push_back(std::move(name));
  }
  return names;
}

std::string joinNameList(llvm::ArrayRef<std::string> names) {
  std::string joined;
  for (const std::string &name : names) {
    if (&name != names.begin())
      joined += ',';
    joined += escapeListName(name);
  }
  return joined;
}

} // namespace npu
