//===- Status.h - Errors of the runtime API, without exceptions -*- C++ -*-===//
//
// Every runtime call that can fail returns a Status (or an Expected<T>,
// which holds either a value or a Status): a message a user can act on,
// never an exception or an abort.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_STATUS_H
#define NPU_RUNTIME_STATUS_H

#include <optional>
#include <string>
#include <utility>

namespace npu::runtime {

class Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.ok_ = false;
    s.message_ = std::move(message);
    return s;
  }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const std::string &message() const { return message_; }

private:
  bool ok_ = true;
  std::string message_;
};

/// A value or the Status saying why there is none.
template <typename T> class Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  Expected(Status error) : status_(std::move(error)) {}
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Status &status() const { return status_; }
  const std::string &message() const { return status_.message(); }
  T &value() { return *value_; }
  const T &value() const { return *value_; }
  T &operator*() { return *value_; }
  T *operator->() { return &*value_; }

private:
  std::optional<T> value_;
  Status status_;
};

} // namespace npu::runtime

#endif // NPU_RUNTIME_STATUS_H
