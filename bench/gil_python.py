#!/usr/bin/env python3
"""gil_python.py: the GIL lab's CPU-bound task set in real CPython, next to Forkscope's, in the same run.

Python side (this interpreter): N tasks each counting primes by trial division (the same algorithm as
core/shared_memory/gil.cpp's workUnit: odd candidates, odd divisors up to the square root), sized so that one task takes
about S seconds on one core here. They run one after another, as N threading.Threads (under the GIL unless
this is a free-threaded build with the GIL off) and as N multiprocessing.Processes (start method fork).
Forkscope side: `forkscope run cpu-vs-io --all-modes --tasks N --seconds S` from BIN_DIR, its CPU-bound rows.
The two sides alternate (--rounds) so a busy moment of the machine hits both alike; each mode's wall time is
the median over the rounds.

Prints, per mode, the wall time and the speedup against sequential of each side. Expected shape on a
machine with C cores: threads under the GIL about 1x, processes (and free threads) about min(N, C)x.

Usage: python3 bench/gil_python.py [BIN_DIR] [--tasks N] [--seconds S] [--rounds R] [--json FILE]
BIN_DIR defaults to /work/main/build/dev/bin; it must hold forkscope (and forkscope-runner beside it).
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time

from bench_support import loadavg, run_checked


def count_primes(base, blocks):
    """Primes among `blocks` blocks of 64 odd numbers from `base`: the engine's work unit, in Python."""
    found = 0
    for block in range(blocks):
        start = base + 128 * (block % 4096)
        for n in range(start, start + 128, 2):
            d = 3
            prime = True
            while d * d <= n:
                if n % d == 0:
                    prime = False
                    break
                d += 2
            found += prime
    return found


def calibrate(seconds):
    """Blocks per task for about `seconds` of one core (best of a few short rounds, as the engine does)."""
    best = 0.0
    for _ in range(3):
        tic = time.perf_counter()
        count_primes(1_000_001, 20)
        best = max(best, 20 / (time.perf_counter() - tic))
    return max(1, round(seconds * best))


def task(blocks):
    count_primes(1_000_001, blocks)


def run_python(mode, tasks, blocks):
    tic = time.monotonic()
    if mode == 'sequential':
        for _ in range(tasks):
            task(blocks)
    else:
        make = threading.Thread if mode == 'threads' else multiprocessing.get_context('fork').Process
        workers = [make(target=task, args=(blocks,)) for _ in range(tasks)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    return time.monotonic() - tic


def run_forkscope(bin_dir, tasks, seconds):
    out = run_checked([os.path.join(bin_dir, 'forkscope'), 'run', 'cpu-vs-io', '--all-modes', '--tasks', str(tasks),
                       '--seconds', str(seconds)]).stdout
    walls = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0] == 'cpu' and parts[3] == 's':
            walls[parts[1]] = float(parts[2])
    if len(walls) != 4:
        sys.exit(f'gil_python.py: could not read the CPU rows of forkscope --all-modes:\n{out}')
    return walls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('bin_dir', nargs='?', default='/work/main/build/dev/bin')
    parser.add_argument('--tasks', type=int, default=4)
    parser.add_argument('--seconds', type=float, default=0.5)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--json')
    args = parser.parse_args()
    if not 1 <= args.tasks <= 64 or not 0 < args.seconds <= 60 or not 1 <= args.rounds <= 100:
        sys.exit('gil_python.py: --tasks 1..64, --seconds above 0 up to 60, --rounds 1..100')

    free = hasattr(sys, '_is_gil_enabled') and not sys._is_gil_enabled()
    cores = os.cpu_count()
    blocks = calibrate(args.seconds)
    print(f'gil_python.py: {args.tasks} tasks of about {args.seconds} s, {args.rounds} rounds, {cores} cores, '
          f'Python {sys.version.split()[0]} ({"free-threaded, GIL off" if free else "with its GIL"}), '
          f'load average {loadavg()}')
    modes = ('sequential', 'threads', 'processes')
    python = {m: [] for m in modes}
    forkscope = {m: [] for m in ('sequential', 'gil-threads', 'threads', 'processes')}
    for _ in range(args.rounds):
        for m in modes:
            python[m].append(run_python(m, args.tasks, blocks))
        for m, wall in run_forkscope(args.bin_dir, args.tasks, args.seconds).items():
            forkscope[m].append(wall)
    py = {m: statistics.median(v) for m, v in python.items()}
    fs = {m: statistics.median(v) for m, v in forkscope.items()}

    rows = [('sequential', 'sequential', 'sequential'),
            ('threads under the GIL', 'gil-threads', None if free else 'threads'),
            ('free threads', 'threads', 'threads' if free else None),
            ('processes', 'processes', 'processes')]
    print(f'\n{"mode":<22} {"Forkscope":>10} {"speedup":>8}   {"Python":>8} {"speedup":>8}')
    report = {'tasks': args.tasks, 'seconds': args.seconds, 'cores': cores, 'load': loadavg(),
              'python': sys.version.split()[0], 'free_threaded': free, 'modes': {}}
    for label, fs_mode, py_mode in rows:
        fs_x = fs['sequential'] / fs[fs_mode]
        line = f'{label:<22} {fs[fs_mode]:>9.3f}s {fs_x:>7.2f}x'
        entry = {'forkscope_seconds': fs[fs_mode], 'forkscope_speedup': fs_x}
        if py_mode:
            py_x = py['sequential'] / py[py_mode]
            line += f'   {py[py_mode]:>7.3f}s {py_x:>7.2f}x'
            entry.update(python_seconds=py[py_mode], python_speedup=py_x)
        else:
            line += '   (not this build of Python)'
        report['modes'][label] = entry
        print(line)
    print(f'\nExpected on {cores} cores: threads under the GIL about 1x, free threads and processes about '
          f'{min(args.tasks, cores)}x.')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    main()
