//===- InputShapes.cpp - Static types of graph inputs ---------------------===//
//
// The compiler needs static shapes. A graph input's shape comes from the
// model when fully static, else from `--input-shape` (or the shape of a
// known input value). Every input that still lacks a shape is named in one
// diagnostic, with its symbolic dimensions, so the user can fix them all at
// once.
//
//===----------------------------------------------------------------------===//

#include "ModelImporter.h"
#include "ShapeLimits.h"
#include "TensorConverter.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace npu {

bool parseInputShapeOption(StringRef spec, ImportOptions &options,
                           std::string &error) {
  size_t eq = spec.rfind('=');
  if (eq == StringRef::npos || eq == 0) {
    error = "invalid --input-shape '" + spec.str() +
            "': expected NAME=d0,d1,... (e.g. x=1,3,224,224)";
    return false;
  }
  std::string name = spec.take_front(eq).str();
  StringRef dimsText = spec.drop_front(eq + 1).trim();
  std::vector<int64_t> dims;
  if (!dimsText.empty()) {
    SmallVector<StringRef> parts;
    dimsText.split(parts, ',');
    if (parts.size() == 1 && dimsText.contains('x'))
      dimsText.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d = 0;
      if (part.trim().getAsInteger(10, d) || d < 0) {
        error = "invalid --input-shape '" + spec.str() + "': dimension '" +
                part.trim().str() + "' is not a non-negative integer";
        return false;
      }
      dims.push_back(d);
    }
  }
  if (options.inputShapes.count(name)) {
    error = "--input-shape given twice for input '" + name + "'";
    return false;
  }
  options.inputShapes[name] = std::move(dims);
  return true;
}

namespace onnx_import {

namespace {
std::string describeDims(const onnx::TensorShapeProto &shape) {
  std::string s = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto &d = shape.dim(i);
    s += i ? ", " : "";
    if (d.has_dim_value())
      s += std::to_string(d.dim_value());
    else if (d.has_dim_param() && !d.dim_param().empty())
      s += d.dim_param();
    else
      s += "?";
  }
  return s + "]";
}
} // namespace

/// The shape of an initializer as a TensorShapeProto.
static onnx::TensorShapeProto shapeOf(const onnx::TensorProto &tensor) {
  onnx::TensorShapeProto shape;
  for (int64_t d : tensor.dims())
    shape.add_dim()->set_dim_value(d);
  return shape;
}

/// Checks that the declared type of an overridable input agrees with its
/// initializer (its default), which fixes its element type and shape.
static LogicalResult checkDefault(const onnx::ValueInfoProto &input,
                                  const onnx::TensorProto &init, Location loc) {
  const auto &tensorType = input.type().tensor_type();
  if (tensorType.elem_type() && tensorType.elem_type() != init.data_type())
    return emitError(loc) << "input '" << input.name() << "' is declared as "
                          << onnxTypeName(tensorType.elem_type())
                          << ", but its initializer (its default) is "
                          << onnxTypeName(init.data_type());
  if (!tensorType.has_shape())
    return success();
  const auto &shape = tensorType.shape();
  bool agrees = shape.dim_size() == init.dims_size();
  for (int i = 0; agrees && i < shape.dim_size(); ++i)
    agrees = !shape.dim(i).has_dim_value() ||
             shape.dim(i).dim_value() == init.dims(i);
  if (!agrees)
    return emitError(loc) << "input '" << input.name() << "' is declared as "
                          << describeDims(shape)
                          << ", but its initializer (its default) is "
                          << describeDims(shapeOf(init));
  return success();
}

FailureOr<SmallVector<GraphInput>>
resolveGraphInputs(const onnx::GraphProto &graph, int64_t irVersion,
                   const ImportOptions &options, MLIRContext *ctx,
                   StringRef fileName) {
  Location fileLoc = FileLineColLoc::get(ctx, fileName, 0, 0);
  auto inputLoc = [&](StringRef name) -> Location {
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
  };
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const auto &init : graph.initializer())
    initializers[init.name()] = &init;
  const bool overridable = initializersAreOverridable(irVersion);

  // Names given on the command line must be real inputs; inputs with a
  // default are listed as optional.
  llvm::StringSet<> inputNames, constantInputs;
  std::string validNames;
  for (const auto &input : graph.input()) {
    bool initialized = initializers.count(input.name());
    if (initialized && !overridable) {
      constantInputs.insert(input.name());
      continue;
    }
    inputNames.insert(input.name());
    validNames += (validNames.empty() ? "'" : ", '") + input.name() + "'" +
                  (initialized ? " (optional: it has a default)" : "");
  }
  auto checkName = [&](const std::string &name,
                       StringRef what) -> LogicalResult {
    if (inputNames.contains(name))
      return success();
    auto diag = emitError(fileLoc) << what << " names '" << name
                                   << "', which is not an input of the model";
    if (constantInputs.contains(name))
      diag << ": in a model of IR version " << irVersion
           << ", an initializer listed as a graph input is a constant "
              "(from IR version 4 it is an input with a default)";
    return diag << " (its inputs are "
                << (validNames.empty() ? "none" : validNames) << ")";
  };
  for (const auto &entry : options.inputShapes)
    if (failed(checkName(entry.first, "--input-shape")))
      return failure();
  for (const auto &entry : options.knownInputValues)
    if (failed(checkName(entry.first, "an input value")))
      return failure();

  SmallVector<GraphInput> result;
  std::string missing;
  for (const auto &input : graph.input()) {
    const onnx::TensorProto *init = initializers.lookup(input.name());
    if (init && !overridable)
      continue;
    Location loc = inputLoc(input.name());
    if (!input.type().has_tensor_type()) {
      emitError(loc) << "input '" << input.name()
                     << "' is not a tensor (sequence, map and optional "
                        "inputs are not supported)";
      return failure();
    }
    const auto &tensorType = input.type().tensor_type();
    std::string error;
    Type element = convertElementType(
        ctx, init ? init->data_type() : tensorType.elem_type(), error);
    if (!element) {
      emitError(loc) << "input '" << input.name() << "': " << error;
      return failure();
    }
    // An input with a default has its initializer's type.
    onnx::TensorShapeProto defaultShape;
    if (init) {
      if (failed(checkDefault(input, *init, loc)))
        return failure();
      defaultShape = shapeOf(*init);
    }

    const std::vector<int64_t> *given = nullptr;
    std::vector<int64_t> knownShape;
    StringRef givenBy = "--input-shape";
    if (auto it = options.inputShapes.find(input.name());
        it != options.inputShapes.end()) {
      given = &it->second;
    } else if (auto kv = options.knownInputValues.find(input.name());
               kv != options.knownInputValues.end()) {
      knownShape = kv->second.shape();
      given = &knownShape;
      givenBy = "the given input value";
    }

    bool hasShape = init || tensorType.has_shape();
    const auto &shape = init ? defaultShape : tensorType.shape();
    SmallVector<int64_t> dims;
    if (given) {
      if (hasShape && static_cast<int>(given->size()) != shape.dim_size()) {
        emitError(loc) << givenBy << " gives input '" << input.name() << "' "
                       << given->size() << " dimensions, but it has rank "
                       << shape.dim_size() << " " << describeDims(shape);
        return failure();
      }
      for (size_t i = 0; i < given->size(); ++i) {
        int64_t d = (*given)[i];
        if (hasShape && shape.dim(i).has_dim_value() &&
            shape.dim(i).dim_value() != d) {
          emitError(loc) << givenBy << " gives dimension " << i << " of input '"
                         << input.name() << "' as " << d
                         << ", but the model fixes it to "
                         << shape.dim(i).dim_value();
          return failure();
        }
        dims.push_back(d);
      }
    } else if (!hasShape) {
      missing += (missing.empty() ? "" : ", ") + ("'" + input.name()) +
                 "' (unknown rank)";
      continue;
    } else {
      bool symbolic = false;
      for (const auto &d : shape.dim()) {
        if (d.has_dim_value() && d.dim_value() < 0) {
          // A negative size is not a symbolic one: the file is wrong.
          emitError(loc) << "input '" << input.name()
                         << "' declares a negative dimension "
                         << describeDims(shape)
                         << ": the model is malformed (a symbolic dimension "
                            "has a name, not a negative size)";
          return failure();
        }
        if (!d.has_dim_value())
          symbolic = true;
        else
          dims.push_back(d.dim_value());
      }
      if (symbolic) {
        missing += (missing.empty() ? "'" : ", '") + input.name() + "' " +
                   describeDims(shape);
        continue;
      }
    }
    auto type = RankedTensorType::get(dims, element);
    if (std::string problem = tensorTypeProblem(type); !problem.empty()) {
      emitError(loc) << "input '" << input.name()
                     << "' has a shape out of range: " << problem;
      return failure();
    }
    result.push_back({input.name(), type, init});
  }
  if (!missing.empty()) {
    emitError(fileLoc)
        << "dynamic shapes are not supported: give the static shape of "
           "every input with symbolic dimensions with --input-shape "
           "NAME=d0,d1,... ; inputs without a static shape: "
        << missing;
    return failure();
  }
  return result;
}

} // namespace onnx_import
} // namespace npu
