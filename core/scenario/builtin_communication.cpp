// The Communication and Pools lessons: a Queue, three workers with sentinels, a Pipe, Pool.map and futures.

#include "core/scenario/builtin_parts.hpp"

namespace forkscope::core::builtin {

Scenario producerConsumerScenario()
{
    return {
        "producer-consumer",
        "Communication",
        "Producer and consumer through a Queue of 10",
        "a producer puts 0..N-1 on a bounded Queue(10), a slower consumer gets them: fill level and blocking",
        "Arrows go from each put to the get that took the message. The consumer is slower, so the queue's "
        "fill "
        "strip climbs to its capacity and the producer then waits in 'message wait' bars until a get makes "
        "room; at the very start the consumer waits on the empty queue instead.",
        "producer_consumer.py",
        {poolKindParam(),
         {"items",
          ParamSpec::Type::Integer,
          "100",
          1,
          100000,
          {},
          "how many numbers the producer puts (0 .. items-1)"},
         {"capacity", ParamSpec::Type::Integer, "10", 1, 100000, {}, "the queue's maxsize"},
         {"produce",
          ParamSpec::Type::Number,
          "0.02",
          0,
          60,
          {},
          "seconds the producer takes per item, before the time scale"},
         {"consume",
          ParamSpec::Type::Number,
          "0.05",
          0,
          60,
          {},
          "seconds the consumer takes per item, before the time scale"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "producer-consumer";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.queues = {{"queue", p.integer("capacity")}};
            const int n = p.integer("items");
            std::vector<std::int64_t> items;
            for (int i = 0; i < n; ++i)
                items.push_back(i);
            WorkerPlan consumer;
            consumer.name = "consumer";
            consumer.kind = kindFrom(plan.kind);
            consumer.items = items;
            consumer.steps = {op(StepOp::ForEach, 3), op(StepOp::Get, 0), print("in consume {r}"),
                              sleepFor(p.number("consume"))};
            WorkerPlan producer;
            producer.name = "producer";
            producer.kind = kindFrom(plan.kind);
            producer.items = items;
            producer.steps = {op(StepOp::ForEach, 4), sleepFor(p.number("produce")), op(StepOp::Power, 1),
                              print("in produce {r}"), op(StepOp::Put, 0)};
            plan.workers.push_back(std::move(consumer));
            plan.workers.push_back(std::move(producer));
            plan.ringCapacity = ringFor(static_cast<std::size_t>(n) * 8 + 64);
            plan.main = {op(StepOp::Start), op(StepOp::Join), print("both done")};
            return plan;
        },
        {},
    };
}

Scenario queueWorkersScenario()
{
    return {
        "queue-workers",
        "Communication",
        "Three workers share one Queue until each gets 'close'",
        "main puts messages and one 'close' per worker on a Queue; each worker takes messages until it gets "
        "a close",
        "Whichever worker is free takes the next message, so the arrows fan out from main to different "
        "lanes; "
        "the random work times decide who processes what. Each worker stops at the first 'close' it gets.",
        "queue_workers.py",
        {poolKindParam(),
         {"workers", ParamSpec::Type::Integer, "3", 1, 64, {}, "how many workers take from the queue"},
         {"messages",
          ParamSpec::Type::Integer,
          "6",
          0,
          1000,
          {},
          "how many messages main puts before the closes"},
         {"work",
          ParamSpec::Type::Number,
          "4",
          0,
          3600,
          {},
          "each message takes a random time from 0 to this many seconds, before the time scale"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "queue-workers";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            const int workers = p.integer("workers");
            const int messages = p.integer("messages");
            plan.queues = {{"queue", std::max(1, messages + workers)}}; // unbounded in the tutorial
            for (int i = 0; i < workers; ++i) {
                WorkerPlan w;
                w.name = "worker " + std::to_string(i);
                w.kind = kindFrom(plan.kind);
                w.steps = {op(StepOp::Repeat, 3), op(StepOp::Get, 0, "close"),
                           op(StepOp::SleepRandom, 0, {}, p.number("work")),
                           print("Processed by {name}: {msg}"), print("{name} closing")};
                plan.workers.push_back(std::move(w));
            }
            plan.main = {op(StepOp::Start)};
            for (int m = 1; m <= messages; ++m) {
                plan.main.push_back(op(StepOp::Set, m));
                plan.main.push_back(op(StepOp::Put, 0, "message " + std::to_string(m)));
            }
            for (int i = 0; i < workers; ++i) {
                plan.main.push_back(op(StepOp::Set, -1));
                plan.main.push_back(op(StepOp::Put, 0, "close"));
            }
            plan.main.push_back(op(StepOp::Join));
            plan.main.push_back(print("all workers closed"));
            return plan;
        },
        {},
    };
}

Scenario pipeScenario()
{
    return {
        "pipe",
        "Communication",
        "A Pipe: hello, world, close",
        "main sends hello, world and close through a Pipe; the worker answers 'Processed: …' and stops on "
        "close",
        "Each send is an arrow to the receive that got it, going right to the worker and back to main. main "
        "waits for each answer before it sends the next message; 'close' gets no answer and the worker ends.",
        "pipe.py",
        {poolKindParam(),
         {"delay",
          ParamSpec::Type::Number,
          "0.5",
          0,
          3600,
          {},
          "seconds the worker takes before answering, before the time scale"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "pipe";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.pipes = 1;
            WorkerPlan w;
            w.name = "worker";
            w.kind = kindFrom(plan.kind);
            w.steps = {op(StepOp::Repeat, 4),
                       op(StepOp::Recv, 1, "close"),
                       print("Worker received message: {msg}"),
                       sleepFor(p.number("delay")),
                       op(StepOp::Send, 1, "Processed: {msg}"),
                       print("Worker closing")};
            plan.workers.push_back(std::move(w));
            plan.main = {op(StepOp::Start)};
            for (const char *message : {"hello", "world"}) {
                plan.main.push_back(op(StepOp::Send, 0, message));
                plan.main.push_back(op(StepOp::Recv, 0));
                plan.main.push_back(print("Parent received response: {msg}"));
            }
            plan.main.push_back(op(StepOp::Send, 0, "close"));
            plan.main.push_back(op(StepOp::Join));
            return plan;
        },
        {},
    };
}

Scenario poolMapScenario()
{
    return {
        "pool-map",
        "Pools and futures",
        "Pool(4).map(square, 1..N)",
        "a pool of worker processes maps x² over 1..N in chunks; the results come back in order",
        "Each task is a labelled bar on the worker that ran it (square(3) = 9). Tasks go to whichever worker "
        "is "
        "free, so the order on the lanes varies, yet the list main prints is always in input order. A bigger "
        "chunk size sends several items per message: fewer, longer trips through the task queue.",
        "pool_map.py",
        {poolKindParam(),
         {"workers", ParamSpec::Type::Integer, "4", 1, 256, {}, "processes (or threads) in the pool"},
         {"n", ParamSpec::Type::Integer, "5", 0, kMaxPoolItems, {}, "map over 1..n"},
         {"chunk",
          ParamSpec::Type::Integer,
          "1",
          1,
          kMaxPoolItems,
          {},
          "items per task message (Pool.map's chunksize)"},
         {"work",
          ParamSpec::Type::Number,
          "0.5",
          0,
          3600,
          {},
          "seconds of real computation per item before the time scale (0: just x*x)"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "pool-map";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            PoolPlan pool;
            pool.function = "square";
            for (int x = 1; x <= p.integer("n"); ++x)
                pool.items.push_back(x);
            pool.chunk = p.integer("chunk");
            pool.work = p.number("work");
            plan.pools.push_back(std::move(pool));
            for (int i = 1; i <= p.integer("workers"); ++i) {
                WorkerPlan w;
                w.name = "pool worker " + std::to_string(i);
                w.kind = kindFrom(plan.kind);
                w.steps = {op(StepOp::Serve, 0)};
                plan.workers.push_back(std::move(w));
            }
            plan.ringCapacity = ringFor(static_cast<std::size_t>(p.integer("n")) * 6 + 64);
            plan.main = {op(StepOp::Start), op(StepOp::Map, 0), print("sum of the squares: {r}"),
                         op(StepOp::Shutdown, 0), op(StepOp::Join)};
            return plan;
        },
        {},
    };
}

Scenario futuresScenario()
{
    return {
        "futures",
        "Pools and futures",
        "Futures: tasks sleeping 5, 2, 1 and 3 s",
        "submit tasks that sleep 5, 2, 1 and 3 s to a pool; wait for all; they complete shortest first",
        "All four tasks start at once on four workers. They finish in order of their sleeps (1, 2, 3, 5), "
        "which "
        "main reports as each completes; the results, read in submission order, are still 5, 2, 1, 3. The "
        "whole wait takes as long as the longest task, not the sum.",
        "futures.py",
        {poolKindParam(),
         {"workers", ParamSpec::Type::Integer, "4", 1, 256, {}, "processes (or threads) in the executor"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "futures";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            PoolPlan pool;
            pool.name = "executor";
            pool.function = "sleep";
            pool.items = {5, 2, 1, 3};
            plan.pools.push_back(std::move(pool));
            for (int i = 1; i <= p.integer("workers"); ++i) {
                WorkerPlan w;
                w.name = "executor worker " + std::to_string(i);
                w.kind = kindFrom(plan.kind);
                w.steps = {op(StepOp::Serve, 0)};
                plan.workers.push_back(std::move(w));
            }
            plan.main = {op(StepOp::Start), op(StepOp::Submit, 0), op(StepOp::Wait, 0),
                         op(StepOp::Shutdown, 0), op(StepOp::Join)};
            return plan;
        },
        {},
    };
}

} // namespace forkscope::core::builtin
