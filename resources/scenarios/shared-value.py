# A shared Value: the doubling again, through shared memory every process sees.
import argparse
import multiprocessing
import threading
import time


def double_it(name, a, seconds):
    value = a.value                     # one read ...
    print(f"{name} received {value}")
    a.value = value * 2                 # ... and a separate write: another worker may have written between
    time.sleep(seconds)
    print(f"{name} changed it to {a.value}")


def main(args):
    a = multiprocessing.Value("i", 1, lock=False)
    seconds = args.sleep * args.time_scale
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    workers = [make(target=double_it, args=(f"worker {i}", a, seconds)) for i in range(1, args.workers + 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"main reached its end and has a = {a.value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="the doubling through a Value in shared memory")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--sleep", type=float, default=2.0, help="seconds each worker sleeps")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
