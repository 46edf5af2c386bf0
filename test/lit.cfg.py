# lit configuration for npu-compile.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "NPU"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "gen", "e2e", "conformance", "npu-interpret.test.check.py", "npu-compare-ort.test.gen.py", "lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.npu_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%npu_src", config.npu_src_root))
config.substitutions.append(("%deps", config.npu_deps_dir))
# Model generator for importer tests: writes small ONNX files with onnx.helper.
config.substitutions.append(
    ("%gen-onnx", config.python_executable + " " +
     os.path.join(config.npu_src_root, "test", "Import", "ONNX", "gen", "gen_models.py")))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

tool_dirs = [config.npu_tools_dir, config.llvm_tools_dir]
tools = ["npu-opt", "npu-compile", "npu-interpret", "npu-run", "npu-blob", "npu-compare", "npu-benchmark"]
llvm_config.add_tool_substitutions(
    [ToolSubst(t, unresolved="ignore") for t in tools], tool_dirs)
llvm_config.with_environment("PATH", config.npu_tools_dir, append_path=True)
# `not` at the start of a RUN line (use_default_substitutions only rewrites
# it after a pipe).
llvm_config.add_tool_substitutions(
    [ToolSubst("not", unresolved="fatal")], [config.llvm_tools_dir])

# Tests that need the real models or ONNX Runtime say so with REQUIRES.
if os.path.isdir(os.path.join(config.npu_deps_dir, "models")):
    config.available_features.add("models")
if os.path.isdir(os.path.join(config.npu_deps_dir, "node_modules", "onnxruntime-node")):
    config.available_features.add("ort")
# Real speech (scripts/fetch-models.sh) for the streaming tests.
if os.path.isdir(os.path.join(config.npu_deps_dir, "inputs", "audio")):
    config.available_features.add("audio")
config.substitutions.append(
    ("%audio", os.path.join(config.npu_deps_dir, "inputs", "audio")))
