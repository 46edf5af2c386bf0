//===- HostTensor.cpp - Dense host tensors --------------------------------===//

#include "npu/Support/HostTensor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

#include <unistd.h>

namespace npu {

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F64:
  case DType::I64:
  case DType::U64:
    return 8;
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 1;
}

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::I16:
    return "i16";
  case DType::U16:
    return "u16";
  case DType::I32:
    return "i32";
  case DType::U32:
    return "u32";
  case DType::I64:
    return "i64";
  case DType::U64:
    return "u64";
  case DType::Bool:
    return "bool";
  }
  return "?";
}

std::optional<DType> parseDType(const std::string &name) {
  for (int i = 0; i <= static_cast<int>(DType::Bool); ++i) {
    auto t = static_cast<DType>(i);
    if (name == dtypeName(t))
      return t;
  }
  return std::nullopt;
}

bool isFloat(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::F16 ||
         t == DType::BF16;
}
bool isSignedInt(DType t) {
  return t == DType::I8 || t == DType::I16 || t == DType::I32 ||
         t == DType::I64;
}
bool isUnsignedInt(DType t) {
  return t == DType::U8 || t == DType::U16 || t == DType::U32 ||
         t == DType::U64 || t == DType::Bool;
}

int64_t shapeNumElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::optional<int64_t> checkedNumElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return std::nullopt;
  return n;
}

std::optional<int64_t> checkedByteSize(DType dtype,
                                       const std::vector<int64_t> &shape) {
  auto n = checkedNumElements(shape);
  int64_t bytes;
  if (!n || __builtin_mul_overflow(*n, int64_t(dtypeSize(dtype)), &bytes))
    return std::nullopt;
  return bytes;
}

int64_t maxHostTensorBytes() {
  static const int64_t limit = [] {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || size <= 0)
      return int64_t(1) << 40;
    return int64_t(pages) * int64_t(size);
  }();
  return limit;
}

std::string formatBytes(uint64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024)
    return std::to_string(bytes) + " B";
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  return buf;
}

std::string hostAllocationError(DType dtype,
                                const std::vector<int64_t> &shape) {
  auto bytes = checkedByteSize(dtype, shape);
  if (!bytes)
    return "a tensor of shape " + shapeToString(shape) + " (" +
           dtypeName(dtype) + ") has more bytes than a 64-bit size can count";
  if (*bytes > maxHostTensorBytes())
    return "a tensor of shape " + shapeToString(shape) + " (" +
           dtypeName(dtype) + ") needs " + formatBytes(uint64_t(*bytes)) +
           ", more than this machine's " +
           formatBytes(uint64_t(maxHostTensorBytes())) + " of memory";
  return "";
}

std::string shapeToString(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += 'x';
    s += std::to_string(shape[i]);
  }
  return s;
}

void HostTensor::FreeDeleter::operator()(void *p) const { std::free(p); }

void *allocateAlignedOrExit(size_t bytes, const char *what) {
  // Round up so aligned_alloc's size requirement holds; never zero bytes.
  size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded == 0)
    rounded = 64;
  void *p = bytes <= size_t(maxHostTensorBytes()) && rounded >= bytes
                ? std::aligned_alloc(64, rounded)
                : nullptr;
  if (!p) {
    std::fprintf(stderr,
                 "npu: out of memory: %s needs %s, and this machine has %s "
                 "of memory\n",
                 what, formatBytes(uint64_t(bytes)).c_str(),
                 formatBytes(uint64_t(maxHostTensorBytes())).c_str());
    std::fflush(stderr);
    std::_Exit(1);
  }
  return p;
}

/// Zero-filled storage for a tensor whose size hostAllocationError accepts;
/// nullptr (isAllocated() false) for one beyond the machine's memory, which
/// the callers that take sizes from users check first: zero-filling it would
/// end in the out-of-memory killer.
static void *allocAligned(size_t bytes) {
  if (bytes > size_t(maxHostTensorBytes()))
    return nullptr;
  void *p = allocateAlignedOrExit(bytes, "a tensor");
  std::memset(p, 0, std::max<size_t>(64, (bytes + 63) / 64 * 64));
  return p;
}

HostTensor::HostTensor(DType dtype, std::vector<int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)) {
  auto bytes = checkedByteSize(dtype_, shape_);
  if (!bytes)
    return; // No data: isAllocated() is false.
  numElements_ = shapeNumElements(shape_);
  data_.reset(allocAligned(size_t(*bytes)));
}

HostTensor::HostTensor(const HostTensor &other)
    : dtype_(other.dtype_), shape_(other.shape_),
      numElements_(other.numElements_), data_(allocAligned(other.byteSize())) {
  if (other.data_)
    std::memcpy(data_.get(), other.data_.get(), byteSize());
}

HostTensor &HostTensor::operator=(const HostTensor &other) {
  if (this != &other) {
    HostTensor copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void HostTensor::reshape(std::vector<int64_t> shape) {
  shape_ = std::move(shape);
}

// Half precision: IEEE 754 binary16, round to nearest even.
uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mant = x & 0x007fffffu;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xff);
  if (exp == 0xff) // Inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));
  int32_t e = exp - 127 + 15;
  if (e >= 0x1f)
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10)
      return static_cast<uint16_t>(sign);
    mant |= 0x00800000u;
    uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1)))
    ++half; // may carry into the exponent, which is the correct rounding
  return static_cast<uint16_t>(sign | half);
}

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  uint32_t x;
  if (exp == 0) {
    if (mant == 0) {
      x = sign;
    } else {
      // Subnormal: normalise.
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while (!(mant & 0x400u));
      x = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) |
          ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 0x1f) {
    x = sign | 0x7f800000u | (mant << 13);
  } else {
    x = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

uint16_t floatToBF16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) // NaN stays NaN
    return static_cast<uint16_t>((x >> 16) | 0x40u);
  uint32_t lsb = (x >> 16) & 1u;
  x += 0x7fffu + lsb;
  return static_cast<uint16_t>(x >> 16);
}

float bf16ToFloat(uint16_t h) {
  uint32_t x = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

double HostTensor::getAsDouble(int64_t i) const {
  switch (dtype_) {
  case DType::F32:
    return data<float>()[i];
  case DType::F64:
    return data<double>()[i];
  case DType::F16:
    return halfToFloat(data<uint16_t>()[i]);
  case DType::BF16:
    return bf16ToFloat(data<uint16_t>()[i]);
  case DType::I8:
    return data<int8_t>()[i];
  case DType::U8:
  case DType::Bool:
    return data<uint8_t>()[i];
  case DType::I16:
    return data<int16_t>()[i];
  case DType::U16:
    return data<uint16_t>()[i];
  case DType::I32:
    return data<int32_t>()[i];
  case DType::U32:
    return data<uint32_t>()[i];
  case DType::I64:
    return static_cast<double>(data<int64_t>()[i]);
  case DType::U64:
    return static_cast<double>(data<uint64_t>()[i]);
  }
  return 0;
}

/// `v` truncated toward zero and saturated to T (NaN gives 0): a plain cast
/// of an out-of-range double is undefined.
template <typename T> static T saturatingFromDouble(double v) {
  if (std::isnan(v))
    return 0;
  if (v <= static_cast<double>(std::numeric_limits<T>::lowest()))
    return std::numeric_limits<T>::lowest();
  if (v >= static_cast<double>(std::numeric_limits<T>::max()))
    return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

int64_t HostTensor::getAsInt(int64_t i) const {
  switch (dtype_) {
  case DType::I64:
    return data<int64_t>()[i];
  case DType::U64:
    return static_cast<int64_t>(data<uint64_t>()[i]);
  case DType::I32:
    return data<int32_t>()[i];
  case DType::U32:
    return data<uint32_t>()[i];
  default:
    return saturatingFromDouble<int64_t>(getAsDouble(i));
  }
}

void HostTensor::setFromDouble(int64_t i, double v) {
  switch (dtype_) {
  case DType::F32:
    data<float>()[i] = static_cast<float>(v);
    return;
  case DType::F64:
    data<double>()[i] = v;
    return;
  case DType::F16:
    data<uint16_t>()[i] = floatToHalf(static_cast<float>(v));
    return;
  case DType::BF16:
    data<uint16_t>()[i] = floatToBF16(static_cast<float>(v));
    return;
  case DType::I8:
    data<int8_t>()[i] = saturatingFromDouble<int8_t>(v);
    return;
  case DType::U8:
    data<uint8_t>()[i] = saturatingFromDouble<uint8_t>(v);
    return;
  case DType::Bool:
    data<uint8_t>()[i] = v != 0 ? 1 : 0;
    return;
  case DType::I16:
    data<int16_t>()[i] = saturatingFromDouble<int16_t>(v);
    return;
  case DType::U16:
    data<uint16_t>()[i] = saturatingFromDouble<uint16_t>(v);
    return;
  case DType::I32:
    data<int32_t>()[i] = saturatingFromDouble<int32_t>(v);
    return;
  case DType::U32:
    data<uint32_t>()[i] = saturatingFromDouble<uint32_t>(v);
    return;
  case DType::I64:
    data<int64_t>()[i] = saturatingFromDouble<int64_t>(v);
    return;
  case DType::U64:
    data<uint64_t>()[i] = saturatingFromDouble<uint64_t>(v);
    return;
  }
}

void HostTensor::setFromInt(int64_t i, int64_t v) {
  if (isFloat(dtype_) || dtype_ == DType::Bool) {
    setFromDouble(i, static_cast<double>(v));
    return;
  }
  // Wrapping like a C cast: the low bytes of v (hosts are little-endian, as
  // everywhere raw element bytes are handled).
  size_t size = dtypeSize(dtype_);
  std::memcpy(static_cast<char *>(raw()) + static_cast<size_t>(i) * size, &v,
              size);
}

HostTensor HostTensor::castTo(DType to) const {
  HostTensor out(to, shape_);
  bool intToInt = !isFloat(dtype_) && !isFloat(to) && to != DType::Bool;
  for (int64_t i = 0; i < numElements_; ++i) {
    if (intToInt) {
      // Integer to integer keeps all 64 bits exact, wrapping like a C cast.
      out.setFromInt(i, getAsInt(i));
    } else {
      out.setFromDouble(i, getAsDouble(i));
    }
  }
  return out;
}

std::string sanitizeFileName(const std::string &name) {
  std::string s = name;
  for (char &c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok)
      c = '_';
  }
  // A leading dot would hide the file ("..": "...npy").
  if (!s.empty() && s[0] == '.')
    s[0] = '_';
  // File systems take names of at most 255 bytes: room for "_N.npy".
  if (s.size() > kMaxFileNameStem)
    s.resize(kMaxFileNameStem);
  return s;
}

std::vector<std::string>
uniqueFileNames(const std::vector<std::string> &names) {
  std::vector<std::string> files(names.size());
  std::set<std::string> taken;
  // A name that is a file name as it is gets exactly that file (a script
  // reading out/a_b.npy reads the tensor named a_b, not a/b's), the first
  // one when two are the same; the others come second.
  for (size_t i = 0; i < names.size(); ++i)
    if (sanitizeFileName(names[i]) == names[i] && taken.insert(names[i]).second)
      files[i] = names[i];
  for (size_t i = 0; i < names.size(); ++i) {
    if (!files[i].empty())
      continue;
    std::string base = sanitizeFileName(names[i]), file = base;
    for (int n = 1; taken.count(file); ++n)
      file = base + "_" + std::to_string(n);
    taken.insert(file);
    files[i] = file;
  }
  return files;
}

} // namespace npu
