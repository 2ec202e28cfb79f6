# Sleepers: the same nap taken one after another, or all at once.
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
    names = [f"worker {i}" for i in range(1, args.workers + 1)]
    if args.kind == "sequential":
        for name in names:
            nap(name, seconds)          # each call waits for the one before: about N * T
    else:
        make = threading.Thread if args.kind == "thread" else multiprocessing.Process
        workers = [make(target=nap, args=(name, seconds)) for name in names]
        for w in workers:
            w.start()                   # all of them begin now
        if args.join == "on":
            for w in workers:
                w.join()                # main waits here: about T in all
    print(f"main reached its end after {time.monotonic() - start:.4f} s")
    # Without join, main gets here at once; Python still waits for the workers before it exits.


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="N workers each sleep T seconds")
    parser.add_argument("--kind", choices=["sequential", "thread", "process"], default="process")
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--sleep", type=float, default=2.0, help="seconds each worker sleeps")
    parser.add_argument("--join", choices=["on", "off"], default="on")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
