# No join: the main program reaches its last line while its workers still sleep.
import argparse
import multiprocessing
import os
import threading
import time


def nap(name, seconds):
    print(f"{name} (pid {os.getpid()}) at {time.time():.7f}: going to sleep for {seconds:g} s")
    time.sleep(seconds)
    print(f"{name} woke up, bye")


def main(args):
    start = time.monotonic()
    seconds = args.sleep * args.time_scale
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    workers = [make(target=nap, args=(f"worker {i}", seconds)) for i in range(1, args.workers + 1)]
    for w in workers:
        w.start()
    if args.join == "on":
        for w in workers:
            w.join()
    print(f"main reached its end after {time.monotonic() - start:.4f} s")
    # Without join this line runs at once, while the workers sleep. The program is not over yet:
    # at exit Python joins every thread and process it started that is not a daemon.


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="main reaches its end before its workers finish")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sleep", type=float, default=1.0, help="seconds each worker sleeps")
    parser.add_argument("--join", choices=["on", "off"], default="off")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
