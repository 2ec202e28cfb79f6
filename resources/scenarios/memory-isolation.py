# Memory isolation: each process doubles its own copy of a global; threads share one.
import argparse
import multiprocessing
import threading
import time

a = 1


def double_it(name, seconds):
    global a
    print(f"{name} received {a}")
    a += a                              # in a process: only this process's copy of a
    time.sleep(seconds)
    print(f"{name} changed it to {a}")


def main(args):
    seconds = args.sleep * args.time_scale
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    workers = [make(target=double_it, args=(f"worker {i}", seconds)) for i in range(1, args.workers + 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # processes: 1, nobody touched main's copy; threads: they all doubled the one a, 2 ** workers
    print(f"main reached its end and has a = {a}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a global a = 1 doubled by each worker")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--sleep", type=float, default=2.0, help="seconds each worker sleeps")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
