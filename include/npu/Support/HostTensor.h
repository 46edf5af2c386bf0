//===- HostTensor.h - Dense host tensors shared by every tool --*- C++ -*-===//
//
// A dense, row-major tensor in host memory with one of the element types the
// project handles. Plain C++ (no MLIR, no LLVM) so that the reference
// interpreter, the runtime tools and the tests can all use it.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_HOSTTENSOR_H
#define NPU_SUPPORT_HOSTTENSOR_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace npu {

/// Element types of host tensors. Bool is stored as one byte (0 or 1).
enum class DType : uint8_t {
  F32,
  F64,
  F16,
  BF16,
  I8,
  U8,
  I16,
  U16,
  I32,
  U32,
  I64,
  U64,
  Bool,
};

/// Bytes per element.
size_t dtypeSize(DType t);
/// Short lowercase name: "f32", "i64", "bool", ...
const char *dtypeName(DType t);
/// Parses a name produced by dtypeName.
std::optional<DType> parseDType(const std::string &name);
bool isFloat(DType t);
bool isSignedInt(DType t);
bool isUnsignedInt(DType t);

/// Number of elements of a shape (1 for a scalar, rank 0). The shape must be
/// one that checkedNumElements accepts.
int64_t shapeNumElements(const std::vector<int64_t> &shape);
/// Number of elements of a shape, or nullopt if a dimension is negative or
/// the product does not fit in int64_t.
std::optional<int64_t> checkedNumElements(const std::vector<int64_t> &shape);
/// Bytes of a dense tensor, or nullopt if they do not fit in int64_t.
std::optional<int64_t> checkedByteSize(DType dtype,
                                       const std::vector<int64_t> &shape);
/// The largest tensor, in bytes, the host tools allocate: the machine's
/// physical memory (a bigger allocation would only end in the kernel's
/// out-of-memory killer, since buffers are zero-filled).
int64_t maxHostTensorBytes();
/// Why a tensor of `dtype` and `shape` cannot be held in host memory ("needs
/// 4.0 TiB, more than this machine's 23.4 GiB of memory"), or an empty
/// string if it can.
std::string hostAllocationError(DType dtype, const std::vector<int64_t> &shape);
/// "512 B", "1.5 KiB", "4.0 TiB".
std::string formatBytes(uint64_t bytes);
/// A 64-byte aligned, uninitialised buffer of at least `bytes` bytes, freed
/// with std::free: kernel scratch, packed operands and tensor storage.
/// Sizes that come from a model are checked before (an error naming the
/// node), so a request beyond maxHostTensorBytes() or one the system
/// refuses means the machine itself ran out: the process ends with
/// "npu: out of memory: <what> needs <size> ..." and exit status 1 instead
/// of a crash on a null pointer.
void *allocateAlignedOrExit(size_t bytes, const char *what);
/// "1x3x224x224" (or "scalar" for rank 0).
std::string shapeToString(const std::vector<int64_t> &shape);

/// A dense row-major tensor. The buffer is 64-byte aligned, zero-filled and
/// owned by the tensor (copies are deep; moves are cheap). Callers that take
/// shapes from users check hostAllocationError first; a tensor whose buffer
/// could not be allocated anyway has isAllocated() false and no data.
class HostTensor {
public:
  HostTensor() = default;
  HostTensor(DType dtype, std::vector<int64_t> shape);
  HostTensor(const HostTensor &other);
  HostTensor &operator=(const HostTensor &other);
  HostTensor(HostTensor &&) noexcept = default;
  HostTensor &operator=(HostTensor &&) noexcept = default;

  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const { return shape_[static_cast<size_t>(i)]; }
  int64_t numElements() const { return numElements_; }
  size_t byteSize() const {
    return static_cast<size_t>(numElements_) * dtypeSize(dtype_);
  }

  /// False when the buffer of a non-empty tensor could not be allocated.
  bool isAllocated() const { return data_ != nullptr; }

  void *raw() { return data_.get(); }
  const void *raw() const { return data_.get(); }
  template <typename T> T *data() { return static_cast<T *>(raw()); }
  template <typename T> const T *data() const {
    return static_cast<const T *>(raw());
  }

  /// Reinterprets the same bytes with another shape of equal element count.
  void reshape(std::vector<int64_t> shape);

  /// Element i converted to double / int64 (any dtype). Slow; for tests,
  /// diagnostics and small shape tensors.
  double getAsDouble(int64_t i) const;
  int64_t getAsInt(int64_t i) const;
  /// Stores v converted to the tensor's dtype (rounding, saturating nothing).
  void setFromDouble(int64_t i, double v);
  /// Stores v converted to the tensor's dtype: integers exactly (wrapping
  /// like a C cast), floats rounded, bool `v != 0`.
  void setFromInt(int64_t i, int64_t v);

  /// A copy of the whole tensor converted to another dtype.
  HostTensor castTo(DType to) const;

private:
  struct FreeDeleter {
    void operator()(void *p) const;
  };
  DType dtype_ = DType::F32;
  std::vector<int64_t> shape_;
  int64_t numElements_ = 0;
  std::unique_ptr<void, FreeDeleter> data_;
};

/// IEEE half and bfloat16 conversions (round to nearest even).
uint16_t floatToHalf(float f);
float halfToFloat(uint16_t h);
uint16_t floatToBF16(float f);
float bf16ToFloat(uint16_t h);

/// The longest file name stem sanitizeFileName gives: file systems take
/// names of at most 255 bytes, and "_N.npy" may follow.
inline constexpr size_t kMaxFileNameStem = 200;

/// Replaces every character outside [A-Za-z0-9_.-] with '_', and a leading
/// '.' too (a hidden file), for file names derived from tensor names; cut
/// to kMaxFileNameStem characters.
std::string sanitizeFileName(const std::string &name);

/// File names for tensors `names`, in order, no two the same: a name that
/// sanitizeFileName leaves as it is is its own file name (the first of
/// equal names); every other is sanitizeFileName'd, with "_N" appended
/// (the least N from 1 not taken) where that name is taken.
std::vector<std::string> uniqueFileNames(const std::vector<std::string> &names);

} // namespace npu

#endif // NPU_SUPPORT_HOSTTENSOR_H
