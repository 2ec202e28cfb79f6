#include "core/event.hpp"

#include <csignal>
#include <cstdint>

#include <sys/mman.h>

namespace forkscope::core {

std::string_view workerKindName(WorkerKind kind) noexcept
{
    switch (kind) {
    case WorkerKind::Main: return "main";
    case WorkerKind::Sequential: return "sequential";
    case WorkerKind::Thread: return "thread";
    case WorkerKind::Process: return "process";
    }
    return "unknown";
}

std::string_view eventTypeName(EventType type) noexcept
{
    switch (type) {
    case EventType::WorkerStart: return "start";
    case EventType::WorkerEnd: return "end";
    case EventType::SleepBegin: return "sleep begin";
    case EventType::SleepEnd: return "sleep end";
    case EventType::ComputeBegin: return "compute begin";
    case EventType::ComputeEnd: return "compute end";
    case EventType::JoinBegin: return "join begin";
    case EventType::JoinEnd: return "join end";
    case EventType::Print: return "print";
    case EventType::ValueRead: return "read";
    case EventType::ValueWrite: return "write";
    case EventType::LockWait: return "lock wait";
    case EventType::LockAcquire: return "lock acquire";
    case EventType::LockRelease: return "lock release";
    case EventType::MainEnd: return "main end";
    case EventType::Note: return "note";
    case EventType::Spawn: return "spawn";
    case EventType::VariableOpen: return "variable";
    case EventType::QueuePut: return "queue put";
    case EventType::QueueGet: return "queue get";
    case EventType::QueueBlockBegin: return "queue block begin";
    case EventType::QueueBlockEnd: return "queue block end";
    case EventType::PipeSend: return "pipe send";
    case EventType::PipeRecv: return "pipe receive";
    case EventType::TaskBegin: return "task begin";
    case EventType::TaskEnd: return "task end";
    case EventType::QueueOpen: return "queue open";
    case EventType::QueueClose: return "queue close";
    case EventType::GilRequest: return "gil request";
    case EventType::GilAcquire: return "gil acquire";
    case EventType::GilRelease: return "gil release";
    case EventType::GilDropRequest: return "gil drop request";
    case EventType::GilHandOver: return "gil hand-over";
    }
    return "unknown";
}

std::string signalName(int signal)
{
    switch (signal) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    case SIGSYS: return "SIGSYS";
    default: return "signal " + std::to_string(signal);
    }
}

std::string messageLabel(const Event &e)
{
    std::string label = "#" + std::to_string(e.id);
    if (!e.text.empty())
        label += " " + e.text;
    return label;
}

void reserveEvents(std::vector<Event> &events, std::size_t count)
{
    if (count <= events.capacity())
        return;
    events.reserve(count);
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    // Past the events there already (reserve() copied them over, touching their pages).
    const auto begin = reinterpret_cast<std::uintptr_t>(events.data() + events.size());
    const auto end = reinterpret_cast<std::uintptr_t>(events.data() + events.capacity());
    const std::uintptr_t from = (begin + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t to = end & ~(kHuge - 1);
    // A hint, for whole 2 MiB pages within the block (malloc maps a block this big on its own, or carves it
    // from its heap, where the hint then serves the pages faulted there later); without THP it does nothing.
    if (to > from)
        madvise(reinterpret_cast<void *>(from), to - from, MADV_HUGEPAGE);
#endif
}

} // namespace forkscope::core
