#!/usr/bin/env python3
"""bank_trials_python.py: the bank's histogram trials in Python, timed in the same run as Forkscope's.

One batch is what the window does when the bank is run: N trials without the lock and N with it, and the
wall time of the whole. A trial is the race shape the bank's scenario picks for trials: two workers, deposit
(+1) and withdraw (-1), each doing 100 updates `v = bal.value; time.sleep(20e-6); bal.value = v + d;
time.sleep(20e-6)`; with the lock, each update (not the sleep after it) under it. In Python:
  process  multiprocessing (start method fork, the Linux default): Value('q', 100, lock=False), two
           Processes, a multiprocessing.Lock; timed from the Value's creation to both joined
  thread   threading: the balance an attribute of one object, two Threads, a threading.Lock
Both sides run the two series at once, each driven by a thread of its own, as the window does
(--series-at-once off: one after the other).
Forkscope: bank_trials_bench from BIN_DIR, one batch of the same kind after each Python batch (Run::start
on `bank` with --trials N, full event recording on, every trial's lost updates found as the window finds
them). Batches alternate between the kinds and the sides, so that a busy moment hits both.

Prints per kind and side the batch's wall time (median, min, max over the batches), wrong trials per series
(final balance != 100) and the ratio = Python wall / Forkscope wall (above 1: Forkscope fills the histogram
faster). The issue's target: 100 + 100 trials in <= 10 s on 2 cores, >= 90 % of the unlocked ones wrong,
none of the locked ones.

Usage: python3 bench/bank_trials_python.py [BIN_DIR] [--trials N] [--batches B] [--kinds thread,process]
                                           [--series-at-once on|off]
BIN_DIR defaults to /work/main/build/dev/bin; it must hold bank_trials_bench (and forkscope-runner).
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time

from bench_support import loadavg, run_checked

START = 100
UPDATES = 100
THINK = 20e-6
NAP = 20e-6
TARGET_WALL_S = 10.0
TARGET_WRONG = 0.9


# --- The workers (module level, so that fork's children find them) ---------------------------------------

def teller(bal, delta, updates, think, nap):
    for _ in range(updates):
        v = bal.value
        time.sleep(think)
        bal.value = v + delta
        time.sleep(nap)


def teller_lock(bal, lock, delta, updates, think, nap):
    for _ in range(updates):
        with lock:
            v = bal.value
            time.sleep(think)
            bal.value = v + delta
        time.sleep(nap)


class Balance:
    """What a thread shares: one object with a value, as a global would be."""

    def __init__(self, value):
        self.value = value


def python_trial(ctx, kind, locked):
    """One trial: the final balance."""
    if kind == 'process':
        bal = ctx.Value('q', START, lock=False)
        lock = ctx.Lock()
        make = ctx.Process
    else:
        bal = Balance(START)
        lock = threading.Lock()
        make = threading.Thread
    workers = []
    for delta in (+1, -1):
        if locked:
            workers.append(make(target=teller_lock, args=(bal, lock, delta, UPDATES, THINK, NAP)))
        else:
            workers.append(make(target=teller, args=(bal, delta, UPDATES, THINK, NAP)))
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if kind == 'process' and any(w.exitcode != 0 for w in workers):
        sys.exit('bank_trials_python: a Python worker failed')
    return bal.value


def python_batch(ctx, kind, trials, at_once):
    """N trials without the lock and N with it, both series at once (a driver thread each) or one after the
    other: (wall seconds, [wrong without, wrong with])."""
    def series(locked):
        return sum(1 for _ in range(trials) if python_trial(ctx, kind, locked) != START)
    t0 = time.monotonic()
    if at_once:
        # Plain threads: a child forked from a ThreadPoolExecutor's worker exits with status 1 (3.11).
        wrong = [0, 0]
        drivers = [threading.Thread(target=lambda i=i: wrong.__setitem__(i, series(i == 1))) for i in (0, 1)]
        for d in drivers:
            d.start()
        for d in drivers:
            d.join()
    else:
        wrong = [series(False), series(True)]
    return time.monotonic() - t0, wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('bin_dir', nargs='?', default='/work/main/build/dev/bin',
                        help='directory holding bank_trials_bench (default: %(default)s)')
    parser.add_argument('--trials', type=int, default=100, help='trials per series (default: %(default)s)')
    parser.add_argument('--batches', type=int, default=3, help='batches per kind and side (default: %(default)s)')
    parser.add_argument('--kinds', default='thread,process', help='comma-separated (default: %(default)s)')
    parser.add_argument('--series-at-once', choices=('on', 'off'), default='on',
                        help='run the two series at once, as the window does (default: %(default)s)')
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(',') if k]
    for k in kinds:
        if k not in ('thread', 'process'):
            sys.exit(f'bank_trials_python: unknown kind {k!r}')
    bench = os.path.join(args.bin_dir, 'bank_trials_bench')
    if not os.access(bench, os.X_OK):
        sys.exit(f'bank_trials_python: {bench} is missing; build it first (see bench/README.md)')

    began = time.monotonic()
    print(f'bank_trials_python: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, '
          f'{args.trials} + {args.trials} trials per batch, series at once {args.series_at_once}, '
          f'load average {loadavg()}')
    ctx = multiprocessing.get_context('fork')
    python_trial(ctx, 'process', False)  # imports, the first fork
    results = {(k, side): [] for k in kinds for side in ('Python', 'Forkscope')}  # (wall s, wrong, load)
    with tempfile.TemporaryDirectory(prefix='forkscope-trials-') as tmpdir:
        for batch in range(args.batches):
            for kind in kinds:
                load = loadavg()
                wall, wrong = python_batch(ctx, kind, args.trials, args.series_at_once == 'on')
                results[(kind, 'Python')].append((wall, wrong, load))
                print(f'  batch {batch + 1} {kind:7} Python     {wall:6.2f} s  wrong {wrong[0]:3d} / {wrong[1]}'
                      f'   load {load}', flush=True)
                path = os.path.join(tmpdir, f'{kind}-{batch}.json')
                run_checked([bench, '--trials', str(args.trials), '--batches', '1', '--kinds', kind,
                             '--series-at-once', args.series_at_once, '--json', path])
                with open(path) as f:
                    data = json.load(f)['batches'][0]
                fs_wrong = [s['wrong'] for s in data['series']]
                results[(kind, 'Forkscope')].append((data['wall_ms'] / 1e3, fs_wrong, data['load']))
                print(f'  batch {batch + 1} {kind:7} Forkscope  {data["wall_ms"] / 1e3:6.2f} s  wrong '
                      f'{fs_wrong[0]:3d} / {fs_wrong[1]}   load {data["load"]}', flush=True)

    n = args.trials
    print()
    print(f'Bank histogram: {n} trials without the lock and {n} with it (100 updates per worker, sleeping '
          f'20 us between read and write and 20 us after)')
    print(f'{"kind":8} {"side":10} {"batches":>7} {"median s":>9} {"min s":>7} {"max s":>7} '
          f'{"wrong without":>14} {"wrong with":>11}   target (<= {TARGET_WALL_S:.0f} s, >= {TARGET_WRONG:.0%} '
          f'wrong, 0 with)')
    for kind in kinds:
        for side in ('Python', 'Forkscope'):
            rows = results[(kind, side)]
            walls = [r[0] for r in rows]
            without = sum(r[1][0] for r in rows)
            with_lock = sum(r[1][1] for r in rows)
            total = n * len(rows)
            met = max(walls) <= TARGET_WALL_S and without >= TARGET_WRONG * total and with_lock == 0
            print(f'{kind:8} {side:10} {len(rows):7d} {statistics.median(walls):9.2f} {min(walls):7.2f} '
                  f'{max(walls):7.2f} {without:6d}/{total:<7d} {with_lock:4d}/{total:<6d}   '
                  + ('met' if met else 'MISSED'))
    print()
    print('ratio = Python wall / Forkscope wall (above 1: Forkscope fills the histogram faster)')
    for kind in kinds:
        py = statistics.median(r[0] for r in results[(kind, 'Python')])
        fs = statistics.median(r[0] for r in results[(kind, 'Forkscope')])
        print(f'{kind:8} {py / fs:6.2f}x')
    print(f'\ntotal {time.monotonic() - began:.1f} s, load average now {loadavg()}')


if __name__ == '__main__':
    main()
