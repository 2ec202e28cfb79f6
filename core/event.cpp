#include "core/event.hpp"

namespace forkscope::core {

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

} // namespace forkscope::core
