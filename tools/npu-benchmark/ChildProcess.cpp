//===- ChildProcess.cpp - Timed runs of the tools npu-benchmark drives ----===//

#include "ChildProcess.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <chrono>
#include <optional>

namespace npu::bench {

namespace {

/// The last lines of `path`, at most `maxBytes` of them.
std::string tailOf(llvm::StringRef path, size_t maxBytes = 2000) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  llvm::StringRef text = (*buffer)->getBuffer().rtrim();
  if (text.size() > maxBytes)
    text = text.take_back(maxBytes);
  return text.str();
}

} // namespace

llvm::Expected<double> runChild(llvm::StringRef program,
                                llvm::ArrayRef<std::string> args,
                                llvm::StringRef stdoutPath,
                                llvm::StringRef stderrPath) {
  llvm::SmallVector<llvm::StringRef> argv{program};
  std::string command = llvm::sys::path::filename(program).str();
  for (const std::string &a : args) {
    argv.push_back(a);
    command += " " + a;
  }
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), stdoutPath,
                                                stderrPath};
  // The redirections do not truncate: a shorter output would end with the
  // last run's.
  llvm::sys::fs::remove(stdoutPath);
  llvm::sys::fs::remove(stderrPath);
  std::string message;
  auto start = std::chrono::steady_clock::now();
  int status = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects,
                                         0, 0, &message);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  if (status == 0)
    return ms;
  std::string why = status < 0 ? "could not run or crashed"
                               : "exited with status " + std::to_string(status);
  if (!message.empty())
    why += " (" + message + ")";
  std::string err = tailOf(stderrPath);
  return llvm::createStringError("'" + command + "' " + why +
                                 (err.empty() ? "" : ":\n" + err));
}

llvm::Expected<llvm::json::Value> readJsonFile(llvm::StringRef path,
                                               bool lastLine) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError("cannot read '" + path +
                                   "': " + buffer.getError().message());
  llvm::StringRef text = (*buffer)->getBuffer().rtrim();
  if (lastLine)
    text = text.rsplit('\n').second.empty() ? text : text.rsplit('\n').second;
  auto value = llvm::json::parse(text);
  if (!value)
    return llvm::createStringError("'" + path + "' is not the JSON expected (" +
                                   llvm::toString(value.takeError()) +
                                   "): " + text.take_front(200));
  return std::move(*value);
}

} // namespace npu::bench
