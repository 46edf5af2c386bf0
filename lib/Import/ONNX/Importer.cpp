//===- Importer.cpp - Importing one ONNX model ----------------------------===//
//
// Drives an import: checks that every operator is supported (reporting all
// unsupported ones at once), resolves input types, builds @main, imports
// nodes in topological order through the op registry, binds the outputs
// and finally removes graph inputs that were frozen into constants.
//
//===----------------------------------------------------------------------===//

#include "ModelImporter.h"

#include "GraphSorter.h"
#include "ModelLoader.h"
#include "NodeImporter.h"
#include "NodeNames.h"
#include "OpRegistry.h"
#include "ShapeLimits.h"
#include "TensorConverter.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Import/ONNX/Diagnostics.h"
#include "npu/Interpreter/ConstantEvaluator.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

using namespace mlir;

/// The subgraphs `node`'s attributes hold (an If's branches, a Loop's body).
static SmallVector<const onnx::GraphProto *>
subgraphsOf(const onnx::NodeProto &node) {
  SmallVector<const onnx::GraphProto *> graphs;
  for (const auto &attr : node.attribute()) {
    if (attr.has_g())
      graphs.push_back(&attr.g());
    for (const auto &g : attr.graphs())
      graphs.push_back(&g);
  }
  return graphs;
}

namespace npu::onnx_import {

/// Names visible in one graph or subgraph. Initializers become constants on
/// first use, at the start of the block of the scope that declares them.
struct ModelImporter::Scope {
  Scope *parent = nullptr;
  Block *block = nullptr;
  Operation *lastConstant = nullptr;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
};

ModelImporter::ModelImporter(MLIRContext &context, const ImportOptions &options,
                             StringRef fileName, StringRef externalDataDir)
    : context(context), options(options), fileName(fileName.str()),
      externalDataDir(externalDataDir.str()) {
  context.loadDialect<NPUDialect, func::FuncDialect>();
}

ModelImporter::~ModelImporter() = default;

int64_t ModelImporter::getOpsetVersion(StringRef domain) const {
  auto it = opsets.find(normalizeDomain(domain));
  return it == opsets.end() ? 1 : it->second;
}

Location ModelImporter::getFileLoc() const {
  return FileLineColLoc::get(&context, fileName, 0, 0);
}

Location ModelImporter::getNodeLoc(const onnx::NodeProto &node) const {
  return getONNXNodeLoc(&context, fileName, nodeDisplayName(node),
                        node.op_type());
}

Location ModelImporter::getTensorLoc(StringRef name) const {
  return NameLoc::get(StringAttr::get(&context, name), getFileLoc());
}

FailureOr<DenseElementsAttr>
ModelImporter::convertTensor(const onnx::TensorProto &tensor, Location loc,
                             StringRef what) {
  return onnx_import::convertTensor(tensor, &context, externalDataDir, loc,
                                    what);
}

//===----------------------------------------------------------------------===//
// Names and scopes
//===----------------------------------------------------------------------===//

Value ModelImporter::lookup(StringRef name) {
  for (Scope *scope = currentScope; scope; scope = scope->parent) {
    if (auto it = scope->values.find(name); it != scope->values.end())
      return it->second;
    auto init = scope->initializers.find(name);
    if (init == scope->initializers.end())
      continue;
    auto value = convertTensor(*init->second, getTensorLoc(name),
                               ("initializer '" + name + "'").str());
    if (failed(value))
      return {};
    OpBuilder b(&context);
    if (scope->lastConstant)
      b.setInsertionPointAfter(scope->lastConstant);
    else
      b.setInsertionPointToStart(scope->block);
    auto op = ConstantOp::create(b, getTensorLoc(name), *value);
    scope->lastConstant = op;
    scope->initializers.erase(init);
    scope->values[name] = op.getResult();
    return op.getResult();
  }
  return {};
}

void ModelImporter::define(StringRef name, Value value) {
  currentScope->values[name] = value;
}

//===----------------------------------------------------------------------===//
// Compile-time values
//===----------------------------------------------------------------------===//

/// The @main arguments `value` depends on, through operands and the ops
/// nested in regions it reads.
static SmallVector<unsigned> argumentDependencies(Value value, Block *entry) {
  llvm::SetVector<unsigned> args;
  llvm::SmallPtrSet<Operation *, 32> seen;
  SmallVector<Value> worklist{value};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == entry)
        args.insert(arg.getArgNumber());
      continue;
    }
    Operation *op = v.getDefiningOp();
    if (!op || !seen.insert(op).second)
      continue;
    // Shape queries read only the (static) type of their operand.
    if (isa<ShapeOp, SizeOp>(op))
      continue;
    op->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        worklist.push_back(operand);
    });
  }
  SmallVector<unsigned> sorted(args.begin(), args.end());
  llvm::sort(sorted);
  return sorted;
}

FailureOr<DenseElementsAttr>
ModelImporter::knownValue(unsigned i, RankedTensorType type, Location loc) {
  auto it = options.knownInputValues.find(argNames[i]);
  if (it == options.knownInputValues.end()) {
    if (argDefaults[i])
      return argDefaults[i];
    return emitError(loc) << "internal error: no value for input '"
                          << argNames[i] << "'";
  }
  const HostTensor &known = it->second;
  // Fails when the value's element type or shape is not the input's.
  auto value = hostTensorToDenseAttr(known, type);
  if (failed(value)) {
    auto dtype = dtypeForElementType(type.getElementType());
    auto diag = emitError(loc)
                << "the value given for input '" << argNames[i] << "' is "
                << describeHostTensor(known) << ", but the input is ";
    if (dtype)
      diag << describeTensorType(*dtype, type.getShape());
    else
      diag << type;
    return diag;
  }
  return value;
}

LogicalResult ModelImporter::freezeInputs(ArrayRef<unsigned> argIndices) {
  Block &entry = mainFunc.getBody().front();
  OpBuilder b(&context);
  b.setInsertionPointToStart(&entry);
  for (unsigned i : argIndices) {
    if (frozenArgs[i])
      continue;
    BlockArgument arg = entry.getArgument(i);
    auto type = cast<RankedTensorType>(arg.getType());
    Location loc = getTensorLoc(argNames[i]);
    auto value = knownValue(i, type, loc);
    if (failed(value))
      return failure();
    auto op = ConstantOp::create(b, loc, *value);
    arg.replaceAllUsesWith(op.getResult());
    frozenArgs[i] = true;
    frozenValues[i] = op.getResult();
    for (Scope *scope = currentScope; scope; scope = scope->parent)
      if (auto it = scope->values.find(argNames[i]);
          it != scope->values.end() && it->second == arg)
        it->second = op.getResult();
  }
  return success();
}

Value ModelImporter::resolveFrozen(Value value) const {
  if (auto arg = dyn_cast_if_present<BlockArgument>(value))
    if (mainFunc &&
        arg.getOwner() ==
            &const_cast<func::FuncOp &>(mainFunc).getBody().front() &&
        frozenArgs[arg.getArgNumber()])
      return frozenValues[arg.getArgNumber()];
  return value;
}

/// The first op in `value`'s backward slice whose operands are all known
/// but which the constant evaluator cannot compute; null if none.
static Operation *firstUnevaluableOp(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return nullptr;
  for (Value operand : op->getOperands()) {
    if (isa<ShapeOp, SizeOp>(op))
      break;
    if (failed(evaluateConstant(operand)))
      return firstUnevaluableOp(operand);
  }
  return op;
}

FailureOr<DenseElementsAttr> ModelImporter::tryEvaluate(Value value) {
  return evaluateConstant(resolveFrozen(value));
}

FailureOr<DenseElementsAttr> ModelImporter::evaluate(Value value, Location loc,
                                                     const Twine &what) {
  auto result = evaluateConstant(value);
  if (succeeded(result))
    return result;
  Block *entry = &mainFunc.getBody().front();
  SmallVector<unsigned> deps = argumentDependencies(value, entry);
  // Inputs with a default take it unless a value is given.
  bool allKnown = !deps.empty() && llvm::all_of(deps, [&](unsigned i) {
    return argDefaults[i] || options.knownInputValues.count(argNames[i]) != 0;
  });
  if (allKnown) {
    if (failed(freezeInputs(deps)))
      return failure();
    result = evaluateConstant(resolveFrozen(value));
    if (succeeded(result))
      return result;
  }
  auto diag = emitError(loc) << what << " must be known at compile time";
  if (deps.empty() || allKnown) {
    diag << ", but it could not be computed from the model's constants";
    if (Operation *op = firstUnevaluableOp(resolveFrozen(value)))
      diag << " (" << op->getName() << " cannot be evaluated at compile "
           << "time)";
    return diag;
  }
  diag << ", but it depends on the graph input"
       << (deps.size() > 1 ? "s " : " ");
  for (auto [k, i] : llvm::enumerate(deps))
    diag << (k ? ", '" : "'") << argNames[i] << "'";
  diag << " (give " << (deps.size() > 1 ? "their values" : "its value")
       << " to compile for: npu-compile --input-value NAME=FILE.npy, "
          "npu-interpret --input NAME=FILE.npy)";
  return diag;
}

//===----------------------------------------------------------------------===//
// Nodes and graphs
//===----------------------------------------------------------------------===//

namespace {
/// Lets the first error of a node through and drops the rest, so that one
/// bad node produces one diagnostic.
class FirstErrorOnly : public ScopedDiagnosticHandler {
public:
  explicit FirstErrorOnly(MLIRContext *ctx) : ScopedDiagnosticHandler(ctx) {
    setHandler([this](Diagnostic &diag) -> LogicalResult {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      return success(errors++ > 0);
    });
  }
  unsigned errors = 0;
};
} // namespace

LogicalResult ModelImporter::importNode(const onnx::NodeProto &node,
                                        OpBuilder &builder) {
  OpImportFn fn = OpRegistry::get().lookup(node.domain(), node.op_type());
  NodeImporter n(*this, node, builder);
  FirstErrorOnly errors(&context);
  if (!fn)
    return n.emitError() << "unsupported ONNX operator";
  if (failed(n.resolveInputs()))
    return failure();
  Block *block = builder.getInsertionBlock();
  Operation *before = block->empty() ? nullptr : &block->back();
  LogicalResult result = fn(n);
  if (failed(result) || n.failed() || errors.errors) {
    if (!errors.errors)
      n.emitError() << "failed to import the node";
    return failure();
  }
  // Shapes computed from the node's attributes and inputs must stay
  // countable (Tile, Expand, Resize, Pad... can ask for anything).
  auto created =
      before ? llvm::make_range(std::next(before->getIterator()), block->end())
             : llvm::make_range(block->begin(), block->end());
  for (Operation &op : created)
    for (Value r : op.getResults())
      if (std::string problem = tensorTypeProblem(r.getType());
          !problem.empty())
        return n.emitError() << "a result's shape is out of range: " << problem;
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !currentScope->values.count(node.output(i)))
      return n.emitError() << "output " << i << " ('" << node.output(i)
                           << "') is not supported";
  // An attribute the operator does not have (a misspelt kernel_shape) would
  // silently leave its default in effect: say so.
  if (SmallVector<std::string> ignored = n.ignoredAttributes();
      !ignored.empty()) {
    InFlightDiagnostic w = emitWarning(n.getLoc());
    w << (ignored.size() == 1 ? "attribute " : "attributes ");
    llvm::interleaveComma(ignored, w,
                          [&](const std::string &a) { w << "'" << a << "'"; });
    w << " of " << node.op_type() << " (opset " << n.getOpset()
      << ") ignored: not " << (ignored.size() == 1 ? "one" : "ones")
      << " the operator has, or no other value than its default is "
         "supported";
  }
  return success();
}

LogicalResult ModelImporter::importGraphBody(const onnx::GraphProto &graph,
                                             Block *block) {
  llvm::StringSet<> available;
  for (Scope *scope = currentScope; scope; scope = scope->parent) {
    for (const auto &entry : scope->values)
      available.insert(entry.getKey());
    for (const auto &entry : scope->initializers)
      available.insert(entry.getKey());
  }
  auto order = sortGraph(graph, available, [&](const onnx::NodeProto &node) {
    return getNodeLoc(node);
  });
  if (failed(order))
    return failure();
  OpBuilder builder(&context);
  builder.setInsertionPointToEnd(block);
  for (const onnx::NodeProto *node : *order)
    if (failed(importNode(*node, builder)))
      return failure();
  return success();
}

FailureOr<SmallVector<Value>>
ModelImporter::importSubgraph(const onnx::GraphProto &graph, Block *block) {
  Scope scope;
  scope.parent = currentScope;
  scope.block = block;
  for (const auto &init : graph.initializer())
    scope.initializers[init.name()] = &init;
  currentScope = &scope;
  llvm::scope_exit restore([&] { currentScope = scope.parent; });
  if (graph.input_size() != 0) {
    emitError(getFileLoc()) << "subgraph '" << graph.name()
                            << "' has inputs; only subgraphs without inputs "
                               "(If branches) are supported";
    return failure();
  }
  if (failed(importGraphBody(graph, block)))
    return failure();
  SmallVector<Value> outputs;
  for (const auto &output : graph.output()) {
    Value v = lookup(output.name());
    if (!v) {
      emitError(getTensorLoc(output.name()))
          << "output '" << output.name() << "' of subgraph '" << graph.name()
          << "' is not produced by any node";
      return failure();
    }
    outputs.push_back(v);
  }
  return outputs;
}

//===----------------------------------------------------------------------===//
// Whole model
//===----------------------------------------------------------------------===//

namespace {
struct UnsupportedOp {
  std::string op;
  SmallVector<std::string> nodes;
};

void collectUnsupported(const onnx::GraphProto &graph,
                        SmallVectorImpl<UnsupportedOp> &out) {
  const OpRegistry &registry = OpRegistry::get();
  for (const auto &node : graph.node()) {
    if (!registry.lookup(node.domain(), node.op_type())) {
      StringRef domain = normalizeDomain(node.domain());
      std::string name = domain.empty() ? node.op_type()
                                        : (domain + "." + node.op_type()).str();
      auto it = llvm::find_if(
          out, [&](const UnsupportedOp &u) { return u.op == name; });
      if (it == out.end()) {
        out.push_back({name, {}});
        it = std::prev(out.end());
      }
      it->nodes.push_back(nodeDisplayName(node));
    }
    for (const onnx::GraphProto *g : subgraphsOf(node))
      collectUnsupported(*g, out);
  }
}
} // namespace

LogicalResult ModelImporter::checkSupportedOps(const onnx::GraphProto &graph) {
  SmallVector<UnsupportedOp> unsupported;
  collectUnsupported(graph, unsupported);
  if (unsupported.empty())
    return success();
  auto diag = emitError(getFileLoc())
              << "unsupported ONNX operator"
              << (unsupported.size() > 1 ? "s: " : ": ");
  bool first = true;
  for (const UnsupportedOp &info : unsupported) {
    diag << (first ? "" : ", ") << info.op << " (" << info.nodes.size()
         << (info.nodes.size() == 1 ? " node: " : " nodes: ");
    first = false;
    constexpr size_t kMaxNames = 5;
    for (size_t i = 0; i < info.nodes.size() && i < kMaxNames; ++i)
      diag << (i ? ", " : "") << info.nodes[i];
    if (info.nodes.size() > kMaxNames)
      diag << ", ...";
    diag << ")";
  }
  return diag;
}

LogicalResult ModelImporter::checkOutputs(const onnx::GraphProto &graph,
                                          ArrayRef<Value> values) {
  for (auto [output, value] : llvm::zip(graph.output(), values)) {
    if (!output.type().has_tensor_type())
      continue;
    const auto &tt = output.type().tensor_type();
    auto type = cast<RankedTensorType>(value.getType());
    std::string error;
    Type declared = tt.elem_type()
                        ? convertElementType(&context, tt.elem_type(), error)
                        : Type();
    if (declared && declared != type.getElementType())
      return emitError(getTensorLoc(output.name()))
             << "output '" << output.name() << "' is declared as "
             << onnxTypeName(tt.elem_type()) << " but computes "
             << type.getElementType();
    if (!tt.has_shape())
      continue;
    bool mismatch = tt.shape().dim_size() != type.getRank();
    for (int i = 0; !mismatch && i < tt.shape().dim_size(); ++i)
      mismatch = tt.shape().dim(i).has_dim_value() &&
                 tt.shape().dim(i).dim_value() != type.getDimSize(i);
    if (mismatch) {
      auto diag = emitWarning(getTensorLoc(output.name()))
                  << "output '" << output.name() << "' has shape "
                  << formatList(type.getShape()) << ", the model declares [";
      for (int i = 0; i < tt.shape().dim_size(); ++i) {
        const auto &d = tt.shape().dim(i);
        diag << (i ? ", " : "");
        if (d.has_dim_value())
          diag << d.dim_value();
        else
          diag << (d.dim_param().empty() ? "?" : d.dim_param());
      }
      diag << "]";
    }
  }
  return success();
}

LogicalResult ModelImporter::setDefault(unsigned i, const GraphInput &input) {
  if (!input.defaultValue)
    return success();
  Location loc = getTensorLoc(input.name);
  // A given value replaces the default (npu-compile --input-value fixes an
  // overridable input in the compiled model).
  FailureOr<DenseElementsAttr> value =
      options.knownInputValues.count(input.name)
          ? knownValue(i, input.type, loc)
          : convertTensor(*input.defaultValue, loc,
                          "initializer '" + input.name + "'");
  if (failed(value))
    return failure();
  argDefaults[i] = *value;
  mainFunc.setArgAttr(i, kDefaultValueAttr, *value);
  if (options.knownInputValues.count(input.name))
    mainFunc.setArgAttr(i, kGivenValueAttr, UnitAttr::get(&context));
  return success();
}

FailureOr<OwningOpRef<ModuleOp>>
ModelImporter::import(const onnx::ModelProto &model) {
  const onnx::GraphProto &graph = model.graph();
  for (const auto &opset : model.opset_import())
    opsets[normalizeDomain(opset.domain())] = opset.version();
  // Before IR version 3 a model had no opset_import and meant opset 1;
  // since, the ONNX checker (and ONNX Runtime) require the default
  // domain's opset when a node uses it: guessing would read operators
  // whose meaning changed between opsets (Softmax's axis, Reshape, Split)
  // with the wrong semantics.
  if (!opsets.count("")) {
    bool usesDefault = llvm::any_of(graph.node(), [](const auto &node) {
      return normalizeDomain(node.domain()).empty();
    });
    if (model.ir_version() >= 3 && usesDefault) {
      emitError(getFileLoc())
          << "the model imports no opset of the default ONNX domain "
             "(opset_import has no entry with domain \"\"), which its "
             "nodes use: re-export it, or set the opset with onnx's "
             "helper.make_opsetid(\"\", VERSION)";
      return failure();
    }
    opsets[""] = 1;
  }
  int64_t opset = opsets[""];
  if (opset > 22)
    emitWarning(getFileLoc())
        << "the model uses opset " << opset
        << "; operators are imported with their opset 22 semantics";

  if (graph.sparse_initializer_size()) {
    emitError(getFileLoc())
        << "sparse initializer '" << graph.sparse_initializer(0).values().name()
        << "' is not supported: store it as a dense initializer "
           "(onnx.numpy_helper.from_array of its dense values)";
    return failure();
  }
  if (failed(checkSupportedOps(graph))) {
    unsupportedOps = true;
    return failure();
  }
  auto inputs = resolveGraphInputs(graph, model.ir_version(), options, &context,
                                   fileName);
  if (failed(inputs))
    return failure();

  OpBuilder b(&context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(getFileLoc());
  module->getOperation()->setAttr(kONNXSourceAttr, b.getStringAttr(fileName));
  module->getOperation()->setAttr(kONNXOpsetAttr, b.getI64IntegerAttr(opset));
  module->getOperation()->setAttr(kONNXIRVersionAttr,
                                  b.getI64IntegerAttr(model.ir_version()));
  std::string producer = model.producer_name();
  if (!model.producer_version().empty())
    producer += (producer.empty() ? "" : " ") + model.producer_version();
  module->getOperation()->setAttr(kONNXProducerAttr, b.getStringAttr(producer));

  SmallVector<Type> argTypes;
  for (const GraphInput &input : *inputs) {
    argTypes.push_back(input.type);
    argNames.push_back(input.name);
  }
  frozenArgs.assign(argNames.size(), false);
  frozenValues.assign(argNames.size(), Value());
  argDefaults.assign(argNames.size(), DenseElementsAttr());
  b.setInsertionPointToEnd(module->getBody());
  mainFunc = func::FuncOp::create(b, getFileLoc(), "main",
                                  b.getFunctionType(argTypes, {}));
  Block *entry = mainFunc.addEntryBlock();
  for (auto [i, input] : llvm::enumerate(*inputs)) {
    mainFunc.setArgAttr(i, kONNXNameAttr, b.getStringAttr(input.name));
    entry->getArgument(i).setLoc(getTensorLoc(input.name));
    if (failed(setDefault(i, input)))
      return failure();
  }

  Scope scope;
  scope.block = entry;
  for (const auto &init : graph.initializer())
    scope.initializers[init.name()] = &init;
  // Initializers that are inputs with a default are the arguments.
  for (const GraphInput &input : *inputs)
    if (input.defaultValue)
      scope.initializers.erase(input.name);
  for (auto [i, input] : llvm::enumerate(*inputs))
    scope.values[input.name] = entry->getArgument(i);
  currentScope = &scope;
  llvm::scope_exit restore([&] { currentScope = nullptr; });

  if (failed(importGraphBody(graph, entry)))
    return failure();

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    Value v = lookup(output.name());
    if (!v) {
      emitError(getTensorLoc(output.name()))
          << "graph output '" << output.name()
          << "' is not produced by any node";
      return failure();
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  if (failed(checkOutputs(graph, results)))
    return failure();
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, getFileLoc(), results);
  mainFunc.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    mainFunc.setResultAttr(i, kONNXNameAttr, b.getStringAttr(output.name()));

  // Frozen inputs leave the signature (from the back, keeping indices valid).
  for (int i = static_cast<int>(frozenArgs.size()) - 1; i >= 0; --i) {
    if (!frozenArgs[i])
      continue;
    entry->getArgument(i).replaceAllUsesWith(frozenValues[i]);
    if (failed(mainFunc.eraseArgument(i)))
      return failure();
  }

  if (failed(mlir::verify(*module)))
    return failure();
  return module;
}

} // namespace npu::onnx_import

namespace npu {

namespace {
/// Whether `node`, or a node of a subgraph of it, reads a tensor of `names`.
bool readsAny(const onnx::NodeProto &node, const std::set<std::string> &names) {
  for (const std::string &in : node.input())
    if (names.count(in))
      return true;
  for (const onnx::GraphProto *g : subgraphsOf(node))
    for (const auto &inner : g->node())
      if (readsAny(inner, names))
        return true;
  return false;
}

/// Whether the importer knows `node`'s operator and those of its subgraphs.
bool isKnown(const onnx::NodeProto &node) {
  if (!onnx_import::OpRegistry::get().lookup(node.domain(), node.op_type()))
    return false;
  for (const onnx::GraphProto *g : subgraphsOf(node))
    for (const auto &inner : g->node())
      if (!isKnown(inner))
        return false;
  return true;
}

/// `model` without the nodes of operators the importer does not know and
/// the nodes that read, directly or not, what those compute; its outputs
/// are the model's outputs that remain and the tensors the removed nodes
/// read from the remaining ones (extra outputs, so that what feeds only
/// the removed nodes is kept and checked). Nullopt when no output remains.
std::optional<onnx::ModelProto>
withoutUnknownOperators(const onnx::ModelProto &model,
                        std::set<std::string> &extraOutputs) {
  const onnx::GraphProto &graph = model.graph();
  std::set<std::string> tainted;
  std::vector<bool> removed(graph.node_size(), false);
  // Until nothing changes: a graph's nodes need not be sorted.
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < graph.node_size(); ++i) {
      const onnx::NodeProto &node = graph.node(i);
      if (removed[i] || (isKnown(node) && !readsAny(node, tainted)))
        continue;
      removed[i] = true;
      changed = true;
      for (const std::string &out : node.output())
        if (!out.empty())
          tainted.insert(out);
    }
  }
  std::set<std::string> produced;
  for (int i = 0; i < graph.node_size(); ++i)
    if (!removed[i])
      for (const std::string &out : graph.node(i).output())
        produced.insert(out);
  onnx::ModelProto pruned = model;
  onnx::GraphProto &g = *pruned.mutable_graph();
  g.clear_node();
  for (int i = 0; i < graph.node_size(); ++i)
    if (!removed[i])
      *g.add_node() = graph.node(i);
  g.clear_output();
  std::set<std::string> outputs;
  for (const auto &out : graph.output())
    if (!tainted.count(out.name()) && outputs.insert(out.name()).second)
      *g.add_output() = out;
  for (int i = 0; i < graph.node_size(); ++i)
    if (removed[i])
      for (const std::string &in : graph.node(i).input())
        if (produced.count(in) && outputs.insert(in).second) {
          g.add_output()->set_name(in);
          extraOutputs.insert(in);
        }
  if (g.output_size() == 0)
    return std::nullopt;
  return pruned;
}
} // namespace

static FailureOr<OwningOpRef<ModuleOp>>
importParsed(StringRef bytes, StringRef sourceName, StringRef defaultDir,
             MLIRContext &context, const ImportOptions &options,
             OwningOpRef<ModuleOp> *knownPart) {
  Location fileLoc = FileLineColLoc::get(&context, sourceName, 0, 0);
  auto model = onnx_import::parseModel(bytes, fileLoc);
  if (failed(model))
    return failure();
  std::string dir = options.externalDataDir.empty() ? defaultDir.str()
                                                    : options.externalDataDir;
  onnx_import::ModelImporter importer(context, options, sourceName, dir);
  auto module = importer.import(**model);
  if (succeeded(module) || !knownPart || !importer.failedOnUnsupportedOps())
    return module;
  // The rest of the model, for the caller to check what else does not map:
  // its own diagnostics are dropped (they are not the user's model's).
  std::set<std::string> extra;
  std::optional<onnx::ModelProto> pruned =
      withoutUnknownOperators(**model, extra);
  if (!pruned)
    return module;
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  onnx_import::ModelImporter again(context, options, sourceName, dir);
  auto part = again.import(*pruned);
  if (failed(part))
    return module;
  // Extra outputs that are not float would be refused as graph outputs of
  // the device (integers, booleans): not the model's problem, dropped.
  for (auto f : (*part)->getOps<func::FuncOp>()) {
    if (f.isExternal())
      continue;
    auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
    llvm::BitVector drop(f.getNumResults());
    for (unsigned i = 0; i < f.getNumResults(); ++i) {
      auto name = f.getResultAttrOfType<StringAttr>(i, kONNXNameAttr);
      auto type = dyn_cast<RankedTensorType>(f.getResultTypes()[i]);
      drop[i] = name && extra.count(name.str()) &&
                !(type && isa<FloatType>(type.getElementType()));
    }
    if (drop.none())
      continue;
    for (int i = int(f.getNumResults()) - 1; i >= 0; --i)
      if (drop[i])
        ret->eraseOperand(i);
    if (failed(f.eraseResults(drop)))
      return module;
  }
  *knownPart = std::move(*part);
  return module;
}

FailureOr<OwningOpRef<ModuleOp>>
importONNXFile(StringRef path, MLIRContext &context,
               const ImportOptions &options, OwningOpRef<ModuleOp> *knownPart) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  auto buffer = onnx_import::readModelFile(path, fileLoc);
  if (failed(buffer))
    return failure();
  StringRef dir = llvm::sys::path::parent_path(path);
  return importParsed((*buffer)->getBuffer(), path, dir.empty() ? "." : dir,
                      context, options, knownPart);
}

namespace {
/// Collects the `location` of every externally stored tensor under `graph`.
void collectExternalData(const onnx::GraphProto &graph,
                         std::set<std::string> &locations) {
  auto tensor = [&](const onnx::TensorProto &t) {
    for (const auto &entry : t.external_data())
      if (entry.key() == "location")
        locations.insert(entry.value());
  };
  std::function<void(const onnx::AttributeProto &)> attribute =
      [&](const onnx::AttributeProto &a) {
        if (a.has_t())
          tensor(a.t());
        for (const auto &t : a.tensors())
          tensor(t);
        if (a.has_sparse_tensor()) {
          tensor(a.sparse_tensor().values());
          tensor(a.sparse_tensor().indices());
        }
        if (a.has_g())
          collectExternalData(a.g(), locations);
        for (const auto &g : a.graphs())
          collectExternalData(g, locations);
      };
  for (const auto &t : graph.initializer())
    tensor(t);
  for (const auto &s : graph.sparse_initializer()) {
    tensor(s.values());
    tensor(s.indices());
  }
  for (const auto &node : graph.node())
    for (const auto &a : node.attribute())
      attribute(a);
}
} // namespace

bool listExternalDataFiles(StringRef path, const ImportOptions &options,
                           std::vector<std::string> &files,
                           std::string &error) {
  files.clear();
  MLIRContext context(MLIRContext::Threading::DISABLED);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  auto buffer = onnx_import::readModelFile(path, fileLoc);
  if (failed(buffer)) {
    error = message;
    return false;
  }
  // Every external-data entry spells its key "location" in the file: a model
  // without those bytes has none, and skips the parse (a copy of every
  // weight, the most a cache hit would cost).
  if ((*buffer)->getBuffer().find("location") == StringRef::npos)
    return true;
  auto model = onnx_import::parseModel((*buffer)->getBuffer(), fileLoc);
  if (failed(model)) {
    error = message;
    return false;
  }
  std::set<std::string> locations;
  collectExternalData((*model)->graph(), locations);
  StringRef parent = llvm::sys::path::parent_path(path);
  std::string dir = !options.externalDataDir.empty() ? options.externalDataDir
                    : parent.empty()                 ? std::string(".")
                                                     : parent.str();
  for (const std::string &location : locations) {
    std::string resolved;
    if (!onnx_import::resolveExternalData(dir, location, resolved, error)) {
      error = path.str() + ": external data: " + error;
      return false;
    }
    files.push_back(std::move(resolved));
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return true;
}

FailureOr<OwningOpRef<ModuleOp>>
importONNXBuffer(StringRef bytes, StringRef sourceName, MLIRContext &context,
                 const ImportOptions &options) {
  return importParsed(bytes, sourceName, ".", context, options, nullptr);
}

} // namespace npu
