//===- ZeQueue.cpp - Command queues, lists, fences and events -------------===//
//
// Each command queue owns a worker thread that executes submitted command
// lists in order, so that zeCommandQueueExecuteCommandLists returns at once
// and several queues (one per infer request) run in parallel. A device
// error stops the batch; it is reported by the fence and by
// zeCommandQueueSynchronize, with its message available through
// zeNpuGetLastErrorString on the synchronising thread.
//
//===----------------------------------------------------------------------===//

#include "ZeEntryPoints.h"
#include "ZeObjects.h"

#include <chrono>
#include <cstring>

namespace npu::sim::ze {

namespace {

CommandQueue *queue(ze_command_queue_handle_t h) {
  return cast<CommandQueue>(h, Tag::Queue);
}
CommandList *list(ze_command_list_handle_t h) {
  return cast<CommandList>(h, Tag::List);
}
Fence *fence(ze_fence_handle_t h) { return cast<Fence>(h, Tag::Fence); }
Event *event(ze_event_handle_t h) { return cast<Event>(h, Tag::Event); }

template <typename Pred>
bool waitFor(std::condition_variable &cv, std::unique_lock<std::mutex> &lock,
             uint64_t timeoutNs, Pred pred) {
  if (timeoutNs == UINT64_MAX) {
    cv.wait(lock, pred);
    return true;
  }
  return cv.wait_for(lock, std::chrono::nanoseconds(timeoutNs), pred);
}

/// Appends a command after validating its events.
ze_result_t append(ze_command_list_handle_t hList, Command cmd,
                   ze_event_handle_t hSignal, uint32_t numWait,
                   ze_event_handle_t *phWait) {
  CommandList *l = list(hList);
  if (!l)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid command list handle");
  if (hSignal && !(cmd.signal = event(hSignal)))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid signal event");
  if (numWait && !phWait)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "phWaitEvents is null");
  for (uint32_t i = 0; i < numWait; ++i) {
    Event *e = event(phWait[i]);
    if (!e)
      return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid wait event");
    cmd.waits.push_back(e);
  }
  std::lock_guard<std::mutex> lock(l->m);
  if (l->closed)
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "command list is closed; reset it before appending");
  l->commands.push_back(std::move(cmd));
  return ZE_RESULT_SUCCESS;
}

} // namespace

void Event::signal() {
  std::lock_guard<std::mutex> lock(m);
  signaled = true;
  cv.notify_all();
}

void Event::reset() {
  std::lock_guard<std::mutex> lock(m);
  signaled = false;
}

bool Event::wait(uint64_t timeoutNs) {
  std::unique_lock<std::mutex> lock(m);
  return waitFor(cv, lock, timeoutNs, [&] { return signaled; });
}

CommandQueue::CommandQueue(Device *d) : Object(Tag::Queue), device(d) {
  worker = std::thread([this] { run(); });
}

CommandQueue::~CommandQueue() {
  {
    std::lock_guard<std::mutex> lock(m);
    stop = true;
  }
  cv.notify_all();
  worker.join();
}

void CommandQueue::run() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return stop || !pending.empty(); });
      if (pending.empty())
        return; // Stopping with nothing left.
      batch = pending.front();
    }
    std::string error;
    for (CommandList *l : batch.lists)
      if (!executeList(*l, error))
        break;
    if (batch.fence) {
      std::lock_guard<std::mutex> lock(batch.fence->m);
      batch.fence->signaled = true;
      batch.fence->error = error;
      batch.fence->cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(m);
    pending.pop_front();
    ++completed;
    if (!error.empty() && firstError.empty())
      firstError = error;
    cv.notify_all();
  }
}

ze_result_t ZE_APICALL queueCreate(ze_context_handle_t hContext,
                                   ze_device_handle_t hDevice,
                                   const ze_command_queue_desc_t *desc,
                                   ze_command_queue_handle_t *ph) {
  Device *d = nullptr;
  if (ze_result_t r = checkContextDevice(hContext, hDevice, d))
    return r;
  if (!desc || !ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  *ph = reinterpret_cast<ze_command_queue_handle_t>(new CommandQueue(d));
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL queueDestroy(ze_command_queue_handle_t h) {
  CommandQueue *q = queue(h);
  if (!q)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid queue handle");
  delete q; // Finishes what was submitted first.
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL queueExecuteCommandLists(ze_command_queue_handle_t h,
                                                uint32_t num,
                                                ze_command_list_handle_t *lists,
                                                ze_fence_handle_t hFence) {
  CommandQueue *q = queue(h);
  if (!q)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid queue handle");
  if (num == 0 || !lists)
    return fail(ZE_RESULT_ERROR_INVALID_SIZE, "no command lists to execute");
  CommandQueue::Batch batch;
  batch.fence = nullptr;
  if (hFence && !(batch.fence = fence(hFence)))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid fence handle");
  for (uint32_t i = 0; i < num; ++i) {
    CommandList *l = list(lists[i]);
    if (!l)
      return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                  "invalid command list handle");
    std::lock_guard<std::mutex> lock(l->m);
    if (!l->closed)
      return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                  "command list must be closed before execution");
    if (l->device != q->device)
      return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                  "command list and queue belong to different devices");
    batch.lists.push_back(l);
  }
  std::lock_guard<std::mutex> lock(q->m);
  q->pending.push_back(batch);
  ++q->submitted;
  q->cv.notify_all();
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL queueSynchronize(ze_command_queue_handle_t h,
                                        uint64_t timeout) {
  CommandQueue *q = queue(h);
  if (!q)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid queue handle");
  std::unique_lock<std::mutex> lock(q->m);
  uint64_t target = q->submitted;
  if (!waitFor(q->cv, lock, timeout, [&] { return q->completed >= target; }))
    return ZE_RESULT_NOT_READY;
  if (!q->firstError.empty()) {
    std::string e = std::move(q->firstError);
    q->firstError.clear();
    return fail(ZE_RESULT_ERROR_UNKNOWN, e);
  }
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL listCreate(ze_context_handle_t hContext,
                                  ze_device_handle_t hDevice,
                                  const ze_command_list_desc_t *desc,
                                  ze_command_list_handle_t *ph) {
  Device *d = nullptr;
  if (ze_result_t r = checkContextDevice(hContext, hDevice, d))
    return r;
  if (!desc || !ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  auto *l = new CommandList();
  l->device = d;
  *ph = reinterpret_cast<ze_command_list_handle_t>(l);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL listDestroy(ze_command_list_handle_t h) {
  CommandList *l = list(h);
  if (!l)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid command list handle");
  { std::lock_guard<std::mutex> lock(l->m); } // Not while executing.
  delete l;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL listClose(ze_command_list_handle_t h) {
  CommandList *l = list(h);
  if (!l)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid command list handle");
  std::lock_guard<std::mutex> lock(l->m);
  l->closed = true;
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL listReset(ze_command_list_handle_t h) {
  CommandList *l = list(h);
  if (!l)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE,
                "invalid command list handle");
  std::lock_guard<std::mutex> lock(l->m);
  l->closed = false;
  l->commands.clear();
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL listAppendBarrier(ze_command_list_handle_t h,
                                         ze_event_handle_t hSignal,
                                         uint32_t numWait,
                                         ze_event_handle_t *phWait) {
  Command c(Command::Barrier);
  return append(h, std::move(c), hSignal, numWait, phWait);
}

ze_result_t ZE_APICALL listAppendMemoryCopy(
    ze_command_list_handle_t h, void *dst, const void *src, size_t size,
    ze_event_handle_t hSignal, uint32_t numWait, ze_event_handle_t *phWait) {
  if (!dst || !src)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null copy pointer");
  Command c(Command::Copy);
  c.dst = dst;
  c.src = src;
  c.bytes = size;
  return append(h, std::move(c), hSignal, numWait, phWait);
}

ze_result_t ZE_APICALL listAppendSignalEvent(ze_command_list_handle_t h,
                                             ze_event_handle_t hEvent) {
  if (!event(hEvent))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid event handle");
  Command c(Command::Signal);
  return append(h, std::move(c), hEvent, 0, nullptr);
}

ze_result_t ZE_APICALL listAppendWaitOnEvents(ze_command_list_handle_t h,
                                              uint32_t num,
                                              ze_event_handle_t *ph) {
  Command c(Command::Wait);
  return append(h, std::move(c), nullptr, num, ph);
}

ze_result_t ZE_APICALL listAppendEventReset(ze_command_list_handle_t h,
                                            ze_event_handle_t hEvent) {
  Event *e = event(hEvent);
  if (!e)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid event handle");
  Command c(Command::Reset);
  c.waits = {};
  c.dst = e;
  return append(h, std::move(c), nullptr, 0, nullptr);
}

ze_result_t ZE_APICALL fenceCreate(ze_command_queue_handle_t h,
                                   const ze_fence_desc_t *desc,
                                   ze_fence_handle_t *ph) {
  CommandQueue *q = queue(h);
  if (!q)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid queue handle");
  if (!desc || !ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  auto *f = new Fence(q);
  f->signaled = desc->flags & ZE_FENCE_FLAG_SIGNALED;
  *ph = reinterpret_cast<ze_fence_handle_t>(f);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL fenceDestroy(ze_fence_handle_t h) {
  return destroy<Fence>(h, Tag::Fence, "fence");
}

ze_result_t ZE_APICALL fenceHostSynchronize(ze_fence_handle_t h,
                                            uint64_t timeout) {
  Fence *f = fence(h);
  if (!f)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid fence handle");
  std::unique_lock<std::mutex> lock(f->m);
  if (!waitFor(f->cv, lock, timeout, [&] { return f->signaled; }))
    return ZE_RESULT_NOT_READY;
  if (!f->error.empty())
    return fail(ZE_RESULT_ERROR_UNKNOWN, f->error);
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL fenceQueryStatus(ze_fence_handle_t h) {
  return fenceHostSynchronize(h, 0);
}

ze_result_t ZE_APICALL fenceReset(ze_fence_handle_t h) {
  Fence *f = fence(h);
  if (!f)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid fence handle");
  std::lock_guard<std::mutex> lock(f->m);
  f->signaled = false;
  f->error.clear();
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL eventPoolCreate(ze_context_handle_t hContext,
                                       const ze_event_pool_desc_t *desc,
                                       uint32_t, ze_device_handle_t *,
                                       ze_event_pool_handle_t *ph) {
  if (!cast<Context>(hContext, Tag::Context))
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid context handle");
  if (!desc || !ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  *ph = reinterpret_cast<ze_event_pool_handle_t>(new EventPool(desc->count));
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL eventPoolDestroy(ze_event_pool_handle_t h) {
  return destroy<EventPool>(h, Tag::EventPool, "event pool");
}

ze_result_t ZE_APICALL eventCreate(ze_event_pool_handle_t h,
                                   const ze_event_desc_t *desc,
                                   ze_event_handle_t *ph) {
  EventPool *p = cast<EventPool>(h, Tag::EventPool);
  if (!p)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid pool handle");
  if (!desc || !ph)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_POINTER, "null argument");
  if (desc->index >= p->count)
    return fail(ZE_RESULT_ERROR_INVALID_ARGUMENT,
                "event index is outside the pool");
  *ph = reinterpret_cast<ze_event_handle_t>(new Event());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL eventDestroy(ze_event_handle_t h) {
  return destroy<Event>(h, Tag::Event, "event");
}

ze_result_t ZE_APICALL eventHostSignal(ze_event_handle_t h) {
  Event *e = event(h);
  if (!e)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid event handle");
  e->signal();
  return ZE_RESULT_SUCCESS;
}

ze_result_t ZE_APICALL eventHostSynchronize(ze_event_handle_t h,
                                            uint64_t timeout) {
  Event *e = event(h);
  if (!e)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid event handle");
  return e->wait(timeout) ? ZE_RESULT_SUCCESS : ZE_RESULT_NOT_READY;
}

ze_result_t ZE_APICALL eventQueryStatus(ze_event_handle_t h) {
  return eventHostSynchronize(h, 0);
}

ze_result_t ZE_APICALL eventHostReset(ze_event_handle_t h) {
  Event *e = event(h);
  if (!e)
    return fail(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, "invalid event handle");
  e->reset();
  return ZE_RESULT_SUCCESS;
}

} // namespace npu::sim::ze
