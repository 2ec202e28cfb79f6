# CPU-bound against I/O-bound: the same N tasks in four modes.
#
# CPython runs Python bytecode in one thread at a time: a thread must hold the GIL (the global
# interpreter lock) to run. A waiting thread asks for it after the switch interval (5 ms), so the
# threads take turns. time.sleep() and blocking I/O release it; every process has its own.
import concurrent.futures as cf
import sys
import time

N, T = 4, 1.0                       # --tasks, --seconds


def count_primes(limit):            # CPU-bound: needs the GIL the whole time
    found = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            found += 1
    return found


def cpu_task(i):
    print(f"task {i} starts counting primes")
    found = count_primes(LIMIT)     # LIMIT sized to take about T seconds on one core
    print(f"task {i} found {found} primes")


def io_task(i):
    print(f"task {i} starts waiting for I/O")
    time.sleep(T)                   # releases the GIL while it waits
    print(f"task {i} got its answer")


def sequential(task):               # --mode sequential: N * T
    for i in range(1, N + 1):
        task(i)


def gil_threads(task):              # --mode gil-threads: CPU about N * T (turns), I/O about T
    with cf.ThreadPoolExecutor(N) as pool:
        list(pool.map(task, range(1, N + 1)))


def free_threads(task):             # --mode threads: python3.13t -X gil=0 runs them on every core
    gil_threads(task)


def processes(task):                # --mode processes: one interpreter, one GIL each
    with cf.ProcessPoolExecutor(N) as pool:
        list(pool.map(task, range(1, N + 1)))


def calibrate(seconds):
    limit, took = 1000, 0.0
    while took < 0.05:
        limit *= 2
        tic = time.perf_counter()
        count_primes(limit)
        took = time.perf_counter() - tic
    return int(limit * (seconds / took) ** (2 / 3))     # the work grows about as limit ** 1.5


if __name__ == "__main__":
    LIMIT = calibrate(T)
    sys.setswitchinterval(0.005)    # --switch-interval (this is the default)
    for name, task in (("cpu", cpu_task), ("io", io_task)):
        for mode in (sequential, gil_threads, free_threads, processes):
            tic = time.monotonic()
            mode(task)
            print(f"{name} {mode.__name__}: {time.monotonic() - tic:.2f} s")
