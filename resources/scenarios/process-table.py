# The process table: the program's processes before, during and after two workers run.
import argparse
import multiprocessing
import threading
import time

import psutil                           # Debian: python3-psutil


def show_processes(title):
    print(title)
    me = psutil.Process()
    print(f"{'PID':>7} {'PPID':>7}  {'NAME':<16} {'STATE':<10} THREADS")
    for proc in [me] + me.children(recursive=True):
        print(f"{proc.pid:7d} {proc.ppid():7d}  {proc.name():<16} {proc.status():<10} {proc.num_threads()}")


def raise_to(numbers, power, seconds):
    time.sleep(seconds)
    for n in numbers:
        print(f"{n}^{power} = {n ** power}")


def main(args):
    start = time.monotonic()
    numbers = [1, 2, 3, 4, 5, 6, 7]
    seconds = args.sleep * args.time_scale
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    # name= is Python's own label: the system still calls each child python3
    workers = [make(target=raise_to, args=(numbers, p, seconds), name=f"raise-to-{p}") for p in (2, 3)]
    show_processes("processes before we start our workers")
    for w in workers:
        w.start()
    show_processes("processes after we start our workers")     # processes: two new rows, ppid = us
    for w in workers:
        w.join()
    show_processes("processes after our workers ended")
    print(f"time taken {time.monotonic() - start:.4f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="list the program's processes as workers come and go")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--sleep", type=float, default=5.0, help="seconds each worker sleeps first")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
