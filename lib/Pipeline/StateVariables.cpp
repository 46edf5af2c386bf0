//===- StateVariables.cpp - Which graph inputs and outputs are state ------===//

#include "npu/Pipeline/StateVariables.h"

#include "npu/Pipeline/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <map>

using namespace mlir;

namespace npu {

namespace {

/// The outputs input `in` pairs with by name, most specific first.
std::vector<std::string> candidateOutputs(StringRef in) {
  std::vector<std::string> names;
  for (const char *suffix : {"_out", ".out", "_next", "_new"})
    names.push_back((in + suffix).str());
  for (StringRef tag : {"_in", "_prev"})
    if (in.size() > tag.size() && in.ends_with(tag))
      for (const char *suffix : {"_out", "_next"})
        names.push_back((in.drop_back(tag.size()) + suffix).str());
  return names;
}

std::string names(ArrayRef<GraphArg> args) {
  std::string s;
  for (const GraphArg &a : args)
    s += (s.empty() ? "" : ", ") + a.name;
  return s;
}

std::string describe(const GraphArg &a, const char *kind) {
  return std::string(kind) + " '" + a.name + "' (" + a.type + ")";
}

} // namespace

FailureOr<std::vector<blob::StateVar>>
resolveStateVariables(ArrayRef<GraphArg> inputs, ArrayRef<GraphArg> outputs,
                      const StateOptions &options, StringRef tool, bool quiet) {
  std::map<std::string, uint32_t> inputIndex, outputIndex;
  for (auto [i, a] : llvm::enumerate(inputs))
    inputIndex.emplace(a.name, uint32_t(i));
  for (auto [i, a] : llvm::enumerate(outputs))
    outputIndex.emplace(a.name, uint32_t(i));
  std::vector<blob::StateVar> vars;
  // Which input claimed each output, to report a second claim.
  std::map<uint32_t, uint32_t> claimedBy;

  if (!options.pairs.empty()) {
    std::map<uint32_t, uint32_t> inputUsed;
    for (const auto &[in, out] : options.pairs) {
      std::string spec = "--state " + in + "=" + out;
      auto i = inputIndex.find(in);
      if (i == inputIndex.end()) {
        printError(tool, spec + ": the model has no input '" + in +
                             "' (inputs: " + names(inputs) + ")");
        return failure();
      }
      auto o = outputIndex.find(out);
      if (o == outputIndex.end()) {
        printError(tool, spec + ": the model has no output '" + out +
                             "' (outputs: " + names(outputs) + ")");
        return failure();
      }
      if (!inputUsed.emplace(i->second, 0).second ||
          !claimedBy.emplace(o->second, i->second).second) {
        printError(tool, spec + ": input '" + in + "' or output '" + out +
                             "' is already in another --state pair");
        return failure();
      }
      const GraphArg &a = inputs[i->second], &b = outputs[o->second];
      if (a.type != b.type) {
        printError(tool, spec + ": " + describe(a, "input") + " and " +
                             describe(b, "output") +
                             " differ; a state variable's input and output "
                             "need the same shape and element type");
        return failure();
      }
      vars.push_back({in, i->second, o->second});
    }
  } else if (options.autoDetect) {
    for (auto [i, a] : llvm::enumerate(inputs)) {
      for (const std::string &candidate : candidateOutputs(a.name)) {
        auto o = outputIndex.find(candidate);
        if (o == outputIndex.end())
          continue;
        const GraphArg &b = outputs[o->second];
        if (a.type != b.type) {
          if (!quiet)
            printWarning(tool, describe(a, "input") + " and " +
                                   describe(b, "output") +
                                   " are named as a state variable but "
                                   "differ in shape or type: not state");
          break;
        }
        auto [it, fresh] = claimedBy.emplace(o->second, uint32_t(i));
        if (!fresh) {
          printError(tool, "inputs '" + inputs[it->second].name + "' and '" +
                               a.name + "' both match output '" + b.name +
                               "' by name; say which is its state with "
                               "--state IN=OUT (or --state none)");
          return failure();
        }
        vars.push_back({a.name, uint32_t(i), o->second});
        break;
      }
    }
  }

  // The pairs found by name, as the messages list them.
  std::string byName;
  if (options.pairs.empty())
    for (const blob::StateVar &v : vars)
      byName += (byName.empty() ? "'" : ", '") + inputs[v.input].name +
                "' -> '" + outputs[v.output].name + "'";
  if (!vars.empty() && vars.size() >= outputs.size()) {
    printError(tool,
               "every output of the model is a state variable's; a "
               "stateful model needs an output that is not state" +
                   (byName.empty()
                        ? std::string()
                        : " (paired by name: " + byName +
                              "; --state none if they are ordinary inputs "
                              "and outputs)"));
    return failure();
  }
  // A pair found by name changes what the user gives and gets at run time
  // (found by a fresh user: a denoiser's audio_in / audio_out became state
  // without a word): said, with how to undo it.
  if (!byName.empty() && !quiet)
    printWarning(tool, "state variables found by name: " + byName +
                           "; the runtime carries each output to its input "
                           "between inferences (npu-run: --state-in, not "
                           "--input); --state none if they are ordinary "
                           "inputs and outputs, --state IN=OUT to name the "
                           "pairs and silence this");
  // Input order, whatever order --state gave.
  llvm::sort(vars, [](const blob::StateVar &x, const blob::StateVar &y) {
    return x.input < y.input;
  });
  return vars;
}

FailureOr<std::vector<blob::StateVar>>
resolveStateVariables(func::FuncOp func, const StateOptions &options,
                      StringRef tool, bool quiet) {
  auto arg = [&](unsigned i, bool result) {
    auto attr = result ? func.getResultAttrOfType<StringAttr>(i, "npu.name")
                       : func.getArgAttrOfType<StringAttr>(i, "npu.name");
    GraphArg a;
    a.name =
        attr ? attr.str() : (result ? "output" : "input") + std::to_string(i);
    llvm::raw_string_ostream os(a.type);
    os << (result ? func.getResultTypes()[i] : func.getArgumentTypes()[i]);
    return a;
  };
  std::vector<GraphArg> ins, outs;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    ins.push_back(arg(i, false));
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    outs.push_back(arg(i, true));
  return resolveStateVariables(ins, outs, options, tool, quiet);
}

FailureOr<std::vector<blob::StateVar>>
resolveStateVariables(const blob::Program &program, const StateOptions &options,
                      StringRef tool, bool quiet) {
  auto args = [](const std::vector<blob::TensorDesc> &descs) {
    std::vector<GraphArg> out;
    for (const blob::TensorDesc &d : descs) {
      GraphArg a{d.name, std::string(dtypeName(d.dtype)) + " " +
                             shapeToString(d.shape)};
      const blob::QuantParams &q = d.quant;
      if (!q.scales.empty()) {
        a.type += " quantized (axis " + std::to_string(q.axis) + ":";
        for (size_t i = 0; i < q.scales.size(); ++i) {
          char scale[32];
          std::snprintf(scale, sizeof(scale), " %.9g/", q.scales[i]);
          a.type += scale + std::to_string(q.zeroPoints[i]);
        }
        a.type += ")";
      }
      out.push_back(std::move(a));
    }
    return out;
  };
  return resolveStateVariables(args(program.inputs), args(program.outputs),
                               options, tool, quiet);
}

} // namespace npu
