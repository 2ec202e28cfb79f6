#include "core/analysis/message_flows.hpp"

#include "core/analysis/spans.hpp"
#include "core/shared_memory/queue.hpp"

#include <algorithm>
#include <unordered_map>

namespace forkscope::core {

std::vector<MessageFlow> messageFlows(std::span<const Event> events)
{
    std::vector<MessageFlow> flows;
    std::unordered_map<std::uint64_t, std::size_t> waiting; // flowKey → index of a flow not yet received
    for (const Event &e : events) {
        const bool send = e.type == EventType::QueuePut || e.type == EventType::PipeSend;
        const bool receive = e.type == EventType::QueueGet || e.type == EventType::PipeRecv;
        if (send) {
            waiting[flowKey(e)] = flows.size();
            MessageFlow &flow = flows.emplace_back();
            flow.sendNs = e.timeNs;
            flow.fromLane = e.lane;
            flow.value = e.value;
            flow.seq = e.id;
            flow.channel = e.arg;
            flow.pipe = e.type == EventType::PipeSend;
            flow.text = e.text;
        } else if (receive) {
            const auto it = waiting.find(flowKey(e));
            if (it == waiting.end())
                continue; // its send was lost (a full ring): nothing to pair it with
            MessageFlow &flow = flows[it->second];
            flow.receiveNs = e.timeNs;
            flow.toLane = e.lane;
            waiting.erase(it);
        }
    }
    return flows;
}

std::int64_t QueueHistory::fullNs(std::int64_t from, std::int64_t to) const
{
    if (capacity == 0)
        return 0;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < fill.size(); ++i) {
        if (fill[i].second < capacity)
            continue;
        const std::int64_t begin = std::max(fill[i].first, from);
        const std::int64_t end = std::min(i + 1 < fill.size() ? fill[i + 1].first : to, to);
        total += std::max<std::int64_t>(0, end - begin);
    }
    return total;
}

std::int64_t QueueHistory::blockedNs(std::uint32_t lane, bool full) const
{
    std::int64_t total = 0;
    for (const BlockedStretch &stretch : blocked)
        if (stretch.lane == lane && stretch.full == full)
            total += stretch.end - stretch.begin;
    return total;
}

namespace {

QueueHistory &queueOf(std::vector<QueueHistory> &queues, int id)
{
    if (queues.size() <= static_cast<std::size_t>(id)) {
        const std::size_t before = queues.size();
        queues.resize(static_cast<std::size_t>(id) + 1);
        for (std::size_t i = before; i < queues.size(); ++i) {
            queues[i].id = static_cast<int>(i);
            queues[i].name = "queue " + std::to_string(i);
        }
    }
    return queues[static_cast<std::size_t>(id)];
}

bool isQueueEvent(EventType type)
{
    return type == EventType::QueueOpen || type == EventType::QueuePut || type == EventType::QueueGet;
}

} // namespace

std::vector<QueueHistory> queueHistories(std::span<const Event> events, std::int64_t endNs)
{
    std::vector<QueueHistory> queues;
    SpanPairer spans;
    const auto closed = [&](const Span &span) {
        // value 0: a put blocked on a full queue, 1: a get on an empty one; 2 is a pipe's receive.
        if (span.kind != SpanKind::QueueBlocked || span.value > 1 || span.arg < 0 || span.arg >= kMaxQueues)
            return;
        queueOf(queues, span.arg).blocked.push_back({span.begin, span.end, span.lane, span.value == 0});
    };
    for (const Event &e : events) {
        spans.feed(
            e, [](Span &) {}, closed);
        if (e.type == EventType::WorkerEnd)
            spans.closeLane(e.lane, e.timeNs, closed);
        if (!isQueueEvent(e.type) || e.arg < 0 || e.arg >= kMaxQueues)
            continue;
        QueueHistory &queue = queueOf(queues, e.arg);
        if (e.type == EventType::QueueOpen) {
            queue.capacity = static_cast<std::uint32_t>(e.value);
            if (!e.text.empty())
                queue.name = e.text;
            continue;
        }
        queue.messages += e.type == EventType::QueuePut ? 1 : 0;
        queue.fill.emplace_back(e.timeNs, static_cast<std::uint32_t>(e.detail));
    }
    spans.closeAll(endNs, closed);
    std::erase_if(queues, [](const QueueHistory &queue) { return queue.messages == 0; });
    for (QueueHistory &queue : queues)
        std::ranges::sort(queue.blocked, {}, &BlockedStretch::begin);
    return queues;
}

} // namespace forkscope::core
