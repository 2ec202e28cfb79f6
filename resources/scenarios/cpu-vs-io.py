# CPU-bound against I/O-bound: the same N tasks, one after another, as threads or as processes.
#
# CPython runs Python code in one thread at a time: a thread must hold the GIL (the global
# interpreter lock) to run. A waiting thread asks for it after the switch interval, so CPU-bound
# threads take turns. time.sleep() and blocking I/O release it; every process has its own.
import argparse
import multiprocessing
import sys
import threading
import time


def count_primes(limit):                # CPU-bound: needs the GIL the whole time
    found = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            found += 1
    return found


def cpu_task(name, limit):
    print(f"{name} starts counting primes")
    print(f"{name} found {count_primes(limit)} primes")


def io_task(name, seconds):
    print(f"{name} starts waiting for I/O")
    time.sleep(seconds)                 # releases the GIL while it waits
    print(f"{name} got its answer")


def timed(limit):
    tic = time.perf_counter()
    count_primes(limit)
    return time.perf_counter() - tic


def calibrate(seconds):
    """The limit for which count_primes takes about `seconds` on one idle core."""
    limit = 1000
    while timed(limit) < 0.02:
        limit *= 2
    took = min(timed(limit) for _ in range(3))      # the fastest try: others' load only slows it
    return max(2, int(limit * (seconds / took) ** (2 / 3)))    # the work grows about as limit ** 1.5


def main(args):
    sys.setswitchinterval(args.switch_interval)    # not scaled: it is the interpreter's own clock
    seconds = args.seconds * args.time_scale
    task, size = (cpu_task, calibrate(seconds)) if args.work == "cpu" else (io_task, seconds)
    names = [f"task {i}" for i in range(1, args.tasks + 1)]
    start = time.monotonic()
    if args.mode == "sequential":       # N times T
        for name in names:
            task(name, size)
    else:
        # gil-threads: CPU about N times T (turns), I/O about T. threads: free threads, which only a
        # free-threaded build runs at once (python3.13t -X gil=0); this interpreter has the GIL.
        # processes: one interpreter and one GIL each, so CPU work runs on every core.
        make = multiprocessing.Process if args.mode == "processes" else threading.Thread
        workers = [make(target=task, args=(name, size)) for name in names]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    print(f"{args.tasks} tasks done after {time.monotonic() - start:.4f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="N CPU-bound or I/O-bound tasks in one of four modes")
    parser.add_argument("--work", choices=["cpu", "io"], default="cpu")
    parser.add_argument("--mode", choices=["sequential", "gil-threads", "threads", "processes"],
                        default="gil-threads")
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=1.0, help="how long one task takes on its own")
    parser.add_argument("--switch-interval", type=float, default=0.005, help="sys.setswitchinterval")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
