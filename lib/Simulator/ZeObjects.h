//===- ZeObjects.h - Objects behind the simulator's Level Zero handles ----===//
//
// Private to the driver. Every handle is a pointer to one of these structs;
// each starts with a tag so that a handle of the wrong kind (or a loader
// wrapper passed to an extension function untranslated) is rejected with
// ZE_RESULT_ERROR_INVALID_NULL_HANDLE instead of being dereferenced blindly.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_SIMULATOR_ZEOBJECTS_H
#define NPU_LIB_SIMULATOR_ZEOBJECTS_H

#include "npu/Blob/BlobReader.h"
#include "npu/Simulator/Executor.h"
#include "npu/Simulator/ze_graph_ext.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace npu::sim::ze {

enum class Tag : uint32_t {
  Driver = 0x4E505544,
  Device = 0x4E505556,
  Context = 0x4E505543,
  Queue = 0x4E505551,
  List = 0x4E50554C,
  Fence = 0x4E505546,
  EventPool = 0x4E505550,
  Event = 0x4E505545,
  Graph = 0x4E505547,
  ProfPool = 0x4E505052,
  ProfQuery = 0x4E505151,
  Dead = 0xDEADDEAD,
};

struct Object {
  explicit Object(Tag t) : tag(t) {}
  ~Object() { tag = Tag::Dead; }
  Tag tag;
};

struct Device : Object {
  explicit Device(arch::Platform p) : Object(Tag::Device), platform(p) {}
  arch::Platform platform;
};

struct Driver : Object {
  Driver();
  std::vector<std::unique_ptr<Device>> devices;
};
Driver &driver();

struct Context : Object {
  Context() : Object(Tag::Context) {}
};

/// Memory handed out by zeMemAlloc*, so graph arguments can be checked.
struct Allocation {
  void *base;
  size_t size;
  ze_memory_type_t type;
  Device *device;
  uint64_t id;
};
/// Finds the allocation containing p; false if none.
bool findAllocation(const void *p, Allocation &out);

struct Event : Object {
  Event() : Object(Tag::Event) {}
  std::mutex m;
  std::condition_variable cv;
  bool signaled = false;
  void signal();
  void reset();
  /// Waits up to `timeoutNs` (UINT64_MAX: forever); true if signaled.
  bool wait(uint64_t timeoutNs);
};

struct EventPool : Object {
  EventPool(uint32_t n) : Object(Tag::EventPool), count(n) {}
  uint32_t count;
};

struct ProfilingQuery;

struct Graph : Object {
  Graph() : Object(Tag::Graph) {}
  Device *device = nullptr;
  std::vector<uint8_t> bytesStorage; ///< Over-allocated for alignment.
  uint8_t *bytes = nullptr;          ///< The blob, 4 KiB aligned.
  size_t size = 0;
  blob::LoadedBlob blob;
  std::mutex m;
  std::vector<const void *> args; ///< Inputs then outputs.
  bool initialized = false;
  bool weightsChecked = false;
};

struct ProfilingPool : Object {
  ProfilingPool() : Object(Tag::ProfPool) {}
  Graph *graph = nullptr;
  uint32_t count = 0;
};

struct ProfilingQuery : Object {
  ProfilingQuery() : Object(Tag::ProfQuery) {}
  ProfilingPool *pool = nullptr;
  std::mutex m;
  bool valid = false;
  RunProfile profile;
};

/// One recorded command.
struct Command {
  enum Kind { GraphInit, GraphExec, Copy, Barrier, Signal, Wait, Reset };
  explicit Command(Kind k) : kind(k) {}
  Kind kind;
  Graph *graph = nullptr;
  std::vector<const void *> args;
  ProfilingQuery *query = nullptr;
  void *dst = nullptr;
  const void *src = nullptr;
  size_t bytes = 0;
  Event *signal = nullptr;
  std::vector<Event *> waits;
  std::unique_ptr<DeviceState> state; ///< CMX + scratch of GraphExec.
};

struct CommandList : Object {
  CommandList() : Object(Tag::List) {}
  Device *device = nullptr;
  std::mutex m; ///< Held while recording and while executing.
  bool closed = false;
  std::vector<Command> commands;
};

struct Fence;

struct CommandQueue : Object {
  CommandQueue(Device *d);
  ~CommandQueue();
  struct Batch {
    std::vector<CommandList *> lists;
    Fence *fence;
  };
  Device *device;
  std::mutex m;
  std::condition_variable cv;
  std::deque<Batch> pending;
  uint64_t submitted = 0, completed = 0;
  std::string firstError; ///< Since the last synchronisation.
  bool stop = false;
  std::thread worker;
  void run();
};

struct Fence : Object {
  Fence(CommandQueue *q) : Object(Tag::Fence), queue(q) {}
  CommandQueue *queue;
  std::mutex m;
  std::condition_variable cv;
  bool signaled = false;
  std::string error;
};

/// Records `message` as the calling thread's last error and returns `r`.
ze_result_t fail(ze_result_t r, const std::string &message);
const std::string &lastError();

template <typename T> T *cast(void *h, Tag tag) {
  auto *o = static_cast<Object *>(h);
  return o && o->tag == tag ? static_cast<T *>(o) : nullptr;
}

/// Deletes the object behind `h` if it is a T (the common body of every
/// zeXxxDestroy).
template <typename T> ze_result_t destroy(void *h, Tag tag, const char *what) {
  T *o = cast<T>(h, tag);
  if (!o)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                std::string("invalid ") + what + " handle");
  delete o;
  return ZE_RESULT_SUCCESS;
}

/// Checks the context and device handles every xxxCreate(context, device)
/// takes; sets `device` on success.
ze_result_t checkContextDevice(ze_context_handle_t hContext,
                               ze_device_handle_t hDevice, Device *&device);

/// Executes one command list; returns false with `error` on a device error.
bool executeList(CommandList &list, std::string &error);

} // namespace npu::sim::ze

#endif // NPU_LIB_SIMULATOR_ZEOBJECTS_H
