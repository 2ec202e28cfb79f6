#!/usr/bin/env python3
"""comm_python.py: Python's multiprocessing Queue, Pipe and Pool.map next to Forkscope's, in the same run.

Python side (this interpreter, start method fork, the Linux default):
  queue  a Process puts N small ints on a multiprocessing.Queue(); the parent gets them. The producer first
         puts its time.monotonic() (not counted); rate = N / (time the parent got the last − that time).
  pipe   the same through one end of multiprocessing.Pipe() (duplex), the parent receiving on the other.
  pool   multiprocessing.Pool(4).map(square, range(1, T + 1), chunksize=1) timed around the map call;
         per-task overhead = that time / T (also shown: the default chunk size).
Forkscope side: comm_bench from BIN_DIR (the real engine, recording on; see comm_bench.cpp), run R times,
and R more times with --live 16: a reader copying the events every 16 ms as the window does, so the
collector converts them while the messages pass instead of after (both are printed; the queue and pipe
ratios are given for each).
Each side has one unmeasured warm-up round first (comm_bench's --warmup 1 in each of its runs).
Python's and Forkscope's repetitions alternate so a busy moment of the machine hits both alike.

Prints medians and the ratios: queue and pipe = Forkscope msg/s / Python msg/s (targets: queue >= 20,
pipe >= 3); pool = Python us per task / Forkscope us per task (target >= 10).

Usage: python3 bench/comm_python.py [BIN_DIR] [--messages N] [--tasks T] [--repeat R] [--json FILE]
BIN_DIR defaults to /work/main/build/dev/bin; it must hold comm_bench (and forkscope-runner beside it).
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time

from bench_support import loadavg, run_checked, stats

TARGETS = {'queue': 20, 'pipe': 3, 'pool': 10}


def produce_queue(q, n):
    q.put(time.monotonic())
    for i in range(n):
        q.put(i)


def produce_pipe(conn, n):
    conn.send(time.monotonic())
    for i in range(n):
        conn.send(i)


def square(x):
    return x * x


def queue_rate(n):
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=produce_queue, args=(q, n))
    p.start()
    start = q.get()
    for i in range(n):
        if q.get() != i:
            sys.exit('comm_python: the queue delivered out of order')
    end = time.monotonic()
    p.join()
    return n / (end - start)


def pipe_rate(n):
    parent, child = multiprocessing.Pipe()
    p = multiprocessing.Process(target=produce_pipe, args=(child, n))
    p.start()
    start = parent.recv()
    for i in range(n):
        if parent.recv() != i:
            sys.exit('comm_python: the pipe delivered out of order')
    end = time.monotonic()
    p.join()
    return n / (end - start)


def pool_micros(t, chunksize):
    with multiprocessing.Pool(4) as pool:
        pool.map(square, range(4))  # the workers are up before the clock starts, as Forkscope's are
        start = time.perf_counter()
        result = pool.map(square, range(1, t + 1), chunksize=chunksize)
        elapsed = time.perf_counter() - start
    if result != [x * x for x in range(1, t + 1)]:
        sys.exit('comm_python: Pool.map returned wrong results')
    return elapsed / t * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('bin_dir', nargs='?', default='/work/main/build/dev/bin')
    ap.add_argument('--messages', type=int, default=100000)
    ap.add_argument('--tasks', type=int, default=10000)
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--json')
    args = ap.parse_args()
    bench = os.path.join(args.bin_dir, 'comm_bench')
    if not os.access(bench, os.X_OK):
        sys.exit(f'comm_python: {bench} is not an executable (build comm_bench, or pass BIN_DIR)')
    multiprocessing.set_start_method('fork')

    py = {'queue': [], 'pipe': [], 'pool': [], 'pool_default_chunk': []}
    fs = {'queue': [], 'pipe': [], 'pool': []}
    live = {'queue': [], 'pipe': [], 'pool': []}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'comm.json')
        # One unmeasured round of Python's first, as comm_bench warms up its own (--warmup, default 1).
        queue_rate(args.messages)
        pipe_rate(args.messages)
        pool_micros(args.tasks, 1)
        for _ in range(args.repeat):
            py['queue'].append(queue_rate(args.messages))
            py['pipe'].append(pipe_rate(args.messages))
            py['pool'].append(pool_micros(args.tasks, 1))
            py['pool_default_chunk'].append(pool_micros(args.tasks, None))
            for into, extra in ((fs, []), (live, ['--live', '16'])):
                run_checked([bench, '--messages', str(args.messages), '--tasks', str(args.tasks), '--repeat', '1',
                             '--json', out] + extra)
                with open(out) as f:
                    figures = json.load(f)
                into['queue'].append(figures['queue_msgs_per_s']['median'])
                into['pipe'].append(figures['pipe_msgs_per_s']['median'])
                into['pool'].append(figures['pool_us_per_task']['median'])

    med = {k: statistics.median(v) for k, v in py.items()}
    fmed = {k: statistics.median(v) for k, v in fs.items()}
    lmed = {k: statistics.median(v) for k, v in live.items()}
    ratios = {'queue': fmed['queue'] / med['queue'], 'pipe': fmed['pipe'] / med['pipe'],
              'pool': med['pool'] / fmed['pool']}
    print(f'load average {loadavg()}, {args.repeat} repetitions each, medians')
    print(f'queue  Python {med["queue"]:>12,.0f} msg/s   Forkscope {fmed["queue"]:>12,.0f} msg/s   '
          f'ratio {ratios["queue"]:.1f} (target >= {TARGETS["queue"]})')
    print(f'pipe   Python {med["pipe"]:>12,.0f} msg/s   Forkscope {fmed["pipe"]:>12,.0f} msg/s   '
          f'ratio {ratios["pipe"]:.1f} (target >= {TARGETS["pipe"]})')
    print(f'pool   Python {med["pool"]:>10.2f} us/task   Forkscope {fmed["pool"]:>10.2f} us/task   '
          f'ratio {ratios["pool"]:.1f} (target >= {TARGETS["pool"]}); Python default chunking '
          f'{med["pool_default_chunk"]:.2f} us/task')
    print(f'with a reader every 16 ms: queue {lmed["queue"]:,.0f} msg/s (ratio {lmed["queue"] / med["queue"]:.1f}), '
          f'pipe {lmed["pipe"]:,.0f} msg/s (ratio {lmed["pipe"] / med["pipe"]:.1f}), '
          f'pool {lmed["pool"]:.2f} us/task (ratio {med["pool"] / lmed["pool"]:.1f})')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'python': {k: stats(v) for k, v in py.items()},
                       'forkscope': {k: stats(v) for k, v in fs.items()},
                       'forkscope_live_reader': {k: stats(v) for k, v in live.items()},
                       'ratios': ratios, 'load': loadavg()}, f, indent=2)


if __name__ == '__main__':
    main()
