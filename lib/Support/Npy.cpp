//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//

#include "npu/Support/Npy.h"
#include "npu/Support/Files.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace npu {

namespace {
struct DescrEntry {
  const char *descr;
  DType dtype;
};
// Little-endian descriptors; '|' marks single-byte types.
const DescrEntry kDescrs[] = {
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"<f2", DType::F16},
    {"|i1", DType::I8},  {"|u1", DType::U8},  {"<i2", DType::I16},
    {"<u2", DType::U16}, {"<i4", DType::I32}, {"<u4", DType::U32},
    {"<i8", DType::I64}, {"<u8", DType::U64}, {"|b1", DType::Bool},
    {"<i1", DType::I8},  {"<u1", DType::U8},  {"<b1", DType::Bool},
};

// Finds the value text after 'key': (or "key":) in a Python dict literal
// header, as numpy's own reader (ast.literal_eval) takes either quote.
bool findValue(const std::string &header, const std::string &key,
               std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    k = header.find("\"" + key + "\"");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos)
    return false;
  size_t end;
  if (header[start] == '\'' || header[start] == '"') {
    end = header.find(header[start], start + 1);
    if (end == std::string::npos)
      return false;
    value = header.substr(start + 1, end - start - 1);
  } else if (header[start] == '[') {
    // A structured dtype's field list: named whole in messages.
    end = header.rfind(']');
    if (end == std::string::npos || end < start)
      return false;
    value = header.substr(start, end - start + 1);
  } else if (header[start] == '(') {
    end = header.find(')', start);
    if (end == std::string::npos)
      return false;
    value = header.substr(start + 1, end - start - 1);
  } else {
    end = header.find_first_of(",}", start);
    value = header.substr(start, end - start);
  }
  return true;
}
} // namespace

bool parseNpy(const void *data, size_t size, HostTensor &out,
              std::string &error) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  static const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(bytes, magic, 6) != 0) {
    // An .npz is a zip archive of .npy members.
    bool zip = size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' &&
               bytes[2] == 3 && bytes[3] == 4;
    error = zip ? "an .npz archive (a zip of .npy files), not a .npy file: "
                  "give one array as .npy (numpy.save)"
                : "not a .npy file (bad magic)";
    return false;
  }
  unsigned major = bytes[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) {
      error = "truncated .npy header";
      return false;
    }
    headerLen = static_cast<size_t>(bytes[8]) | (bytes[9] << 8) |
                (bytes[10] << 16) | (static_cast<size_t>(bytes[11]) << 24);
    offset = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (offset + headerLen > size) {
    error = "truncated .npy header";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(bytes + offset), headerLen);
  // A Python dict literal, as numpy writes and reads it (found by a fresh
  // user: a header without its closing brace, which numpy refuses, was
  // read).
  size_t open = header.find_first_not_of(" \t\n");
  size_t close = header.find_last_not_of(" \t\n\0", std::string::npos, 4);
  if (open == std::string::npos || header[open] != '{' ||
      header[close] != '}') {
    error = "malformed .npy header (not a {...} dictionary): " +
            (open == std::string::npos ? std::string("(blank)")
                                       : header.substr(open, close - open + 1));
    return false;
  }
  std::string descr, fortran, shapeText;
  if (!findValue(header, "descr", descr) ||
      !findValue(header, "fortran_order", fortran) ||
      !findValue(header, "shape", shapeText)) {
    error = "malformed .npy header: " + header;
    return false;
  }
  size_t fb = fortran.find_first_not_of(" \t");
  size_t fe = fortran.find_last_not_of(" \t");
  fortran = fb == std::string::npos ? "" : fortran.substr(fb, fe - fb + 1);
  if (fortran == "True") {
    error = "Fortran-order .npy arrays are not supported; save with "
            "np.ascontiguousarray";
    return false;
  }
  if (fortran != "False") {
    error = "malformed .npy header: fortran_order is '" + fortran +
            "', not True or False";
    return false;
  }
  // '=' is the machine's byte order, little-endian here as the device's.
  std::string lookup = descr;
  if (!lookup.empty() && lookup[0] == '=')
    lookup[0] = '<';
  std::optional<DType> dtype;
  for (const auto &e : kDescrs)
    if (lookup == e.descr)
      dtype = e.dtype;
  if (!dtype) {
    error = "unsupported .npy element type '" + descr +
            "' (big-endian, complex, string and object arrays are not "
            "supported)";
    return false;
  }
  std::vector<int64_t> shape;
  std::stringstream ss(shapeText);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t b = item.find_first_not_of(" \t");
    if (b == std::string::npos)
      continue;
    // A dimension is decimal digits and nothing else, within int64_t.
    size_t e = item.find_last_not_of(" \t");
    errno = 0;
    char *end = nullptr;
    long long d = std::strtoll(item.c_str() + b, &end, 10);
    if (!std::isdigit(static_cast<unsigned char>(item[b])) ||
        end != item.c_str() + e + 1 || errno == ERANGE) {
      error = "malformed .npy shape: (" + shapeText + ")";
      return false;
    }
    shape.push_back(d);
  }
  // The data must be there before anything is allocated for it: a header
  // alone can declare any size.
  size_t dataOffset = offset + headerLen;
  std::optional<int64_t> byteSize = checkedByteSize(*dtype, shape);
  if (!byteSize) {
    error = "malformed .npy shape: (" + shapeText +
            ") has more elements "
            "than a 64-bit count";
    return false;
  }
  if (uint64_t(*byteSize) > size - dataOffset) {
    error = "truncated .npy data: expected " + std::to_string(*byteSize) +
            " bytes for " + shapeToString(shape) + " " + dtypeName(*dtype) +
            ", found " + std::to_string(size - dataOffset);
    return false;
  }
  // Bytes past the data are refused, as ONNX Runtime refuses them (found by
  // a review: numpy.load ignores them, and so did this): a file appended to
  // or written with another shape in mind is not the array it claims.
  uint64_t expected = uint64_t(dataOffset) + uint64_t(*byteSize);
  if (size > expected) {
    error = std::to_string(size - expected) +
            " byte(s) after the .npy data: the header declares " +
            shapeToString(shape) + " " + dtypeName(*dtype) + ", " +
            std::to_string(*byteSize) + " bytes after a " +
            std::to_string(dataOffset) + "-byte header (" +
            std::to_string(expected) + " bytes in all), but the file has " +
            std::to_string(size) + " bytes";
    return false;
  }
  HostTensor t(*dtype, shape);
  if (*byteSize && !t.isAllocated()) {
    error = "cannot allocate " + formatBytes(uint64_t(*byteSize)) +
            " for a .npy array";
    return false;
  }
  if (t.byteSize())
    std::memcpy(t.raw(), bytes + dataOffset, t.byteSize());
  out = std::move(t);
  return true;
}

bool readNpy(const std::string &path, HostTensor &out, std::string &error) {
  // Reading a directory through a stream throws: it is an error here.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "cannot read '" + path + "': it is a directory, not a .npy file";
    return false;
  }
  // At most 4 GiB; a file that does not start as .npy files do (a device,
  // a pipe of something else) is read no further than its first chunk.
  std::string buf;
  if (!readFileBounded(path, uint64_t(1) << 32, buf, error,
                       startsWith("\x93NUMPY")))
    return false;
  if (!parseNpy(buf.data(), buf.size(), out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

std::string serializeNpy(const HostTensor &t) {
  const char *descr = "<f4";
  for (const auto &e : kDescrs)
    if (e.dtype == t.dtype()) {
      descr = e.descr;
      break;
    }
  // NumPy's tuple spelling: "()", "(n,)", "(a, b, c)".
  std::string shape;
  for (size_t i = 0; i < t.shape().size(); ++i)
    shape += (i ? ", " : "") + std::to_string(t.shape()[i]);
  if (t.shape().size() == 1)
    shape += ",";
  std::string header = "{'descr': '" + std::string(descr) +
                       "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad with spaces so that the data starts on a 64-byte boundary.
  size_t total = 10 + header.size() + 1;
  size_t pad = (64 - total % 64) % 64;
  header.append(pad, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>((header.size() >> 8) & 0xff));
  out += header;
  out.append(static_cast<const char *>(t.raw()), t.byteSize());
  return out;
}

bool writeNpy(const std::string &path, const HostTensor &t,
              std::string &error) {
  std::ofstream os(path, std::ios::binary | std::ios::trunc);
  if (!os) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::string bytes = serializeNpy(t);
  os.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!os) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace npu
