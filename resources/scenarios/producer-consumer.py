# Producer and consumer: numbers travel from one worker to another through a bounded Queue.
import argparse
import multiprocessing
import queue
import threading
import time


def produce(q, items, seconds):
    for i in range(items):
        time.sleep(seconds)             # making the next item takes a moment
        print(f"in produce {i}")
        q.put(i)                        # waits while the queue is full


def consume(q, items, seconds):
    for _ in range(items):
        item = q.get()                  # waits while the queue is empty
        print(f"in consume {item}")
        time.sleep(seconds)             # the consumer is the slower side


def main(args):
    if args.kind == "thread":
        make, q = threading.Thread, queue.Queue(args.capacity)
    else:
        make, q = multiprocessing.Process, multiprocessing.Queue(args.capacity)
    consumer = make(name="consumer", target=consume, args=(q, args.items, args.consume * args.time_scale))
    producer = make(name="producer", target=produce, args=(q, args.items, args.produce * args.time_scale))
    consumer.start()
    producer.start()
    consumer.join()
    producer.join()
    print("both done")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a producer and a slower consumer share a bounded Queue")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--items", type=int, default=100, help="the producer puts 0 .. items-1")
    parser.add_argument("--capacity", type=int, default=10, help="the queue's maxsize")
    parser.add_argument("--produce", type=float, default=0.02, help="seconds to make one item")
    parser.add_argument("--consume", type=float, default=0.05, help="seconds to use one item")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
