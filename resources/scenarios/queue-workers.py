# Workers share one Queue: whoever is free takes the next message, until it gets "close".
import argparse
import multiprocessing
import queue
import random
import threading
import time


def worker(name, q, most):
    while True:
        message = q.get()
        if message == "close":
            break
        time.sleep(random.uniform(0, most))     # some messages take longer than others
        print(f"Processed by {name}: {message}")
    print(f"{name} closing")


def main(args):
    if args.kind == "thread":
        make, q = threading.Thread, queue.Queue()
    else:
        make, q = multiprocessing.Process, multiprocessing.Queue()
    most = args.work * args.time_scale
    workers = [make(target=worker, args=(f"worker {i}", q, most)) for i in range(args.workers)]
    for w in workers:
        w.start()
    for m in range(1, args.messages + 1):
        q.put(f"message {m}")
    for _ in workers:
        q.put("close")                  # one per worker: each stops at the first it takes
    for w in workers:
        w.join()
    print("all workers closed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="workers take messages from one Queue until 'close'")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--messages", type=int, default=6)
    parser.add_argument("--work", type=float, default=4.0, help="each message takes 0 to this many seconds")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
