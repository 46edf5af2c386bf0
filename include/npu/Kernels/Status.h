//===- Status.h - Error results of the compute kernels ----------*- C++ -*-===//
//
// The kernels are plain C++ without exceptions: a kernel that can fail on
// user data (an index out of range, inconsistent shapes) returns a Status
// carrying a message; callers (the MLIR interpreter) turn it into a
// diagnostic at the op.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_STATUS_H
#define NPU_KERNELS_STATUS_H

#include <string>
#include <utility>

namespace npu::kernels {

/// Success, or failure with a human-readable message.
class [[nodiscard]] Status {
public:
  Status() = default;
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.failed_ = true;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return !failed_; }
  bool failed() const { return failed_; }
  const std::string &message() const { return message_; }

private:
  bool failed_ = false;
  std::string message_;
};

/// Returns early from the enclosing function if `expr` failed.
#define NPU_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    ::npu::kernels::Status npuStatus_ = (expr);                                \
    if (npuStatus_.failed())                                                   \
      return npuStatus_;                                                       \
  } while (false)

} // namespace npu::kernels

#endif // NPU_KERNELS_STATUS_H
