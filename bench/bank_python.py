#!/usr/bin/env python3
"""bank_python.py: the bank race in Python's multiprocessing, measured in the same run as Forkscope's.

Python side (this interpreter, start method fork, the Linux default): one trial is the tutorial's program
once: a multiprocessing.Value('q', 100, lock=False), two Processes `deposit` (+1) and `withdraw` (-1) each
doing N updates as a split read-modify-write, `v = bal.value; [think]; bal.value = v + d; [sleep]`, started,
joined, final balance read. Shapes, as bank_bench's:
  tight          100,000 updates each, no think, no sleep (Forkscope: --tight on --updates 100000)
  tutorial       100 updates each, time.sleep(0.0002 * 0) between read and write and time.sleep(0.01 * 0)
                 after (Forkscope: --updates 100 --time-scale 0: the same steps, zero-length)
  *-lock         the same under a multiprocessing.Lock (Forkscope: --lock on)
  *-noyield      Forkscope only (bank_bench's diagnosis): the plan without its sched_yield() between read and
                 write, which the tight plan has and Python's loop does not; compared with the same Python rows
Forkscope side: bank_bench from BIN_DIR (Run::start on `bank`, kind process, full event recording on), its
per-trial times pooled over the blocks. Python's and Forkscope's trials are interleaved in blocks (--blocks)
so that a busy moment of the machine hits both alike.

Prints per shape trials/s, median trial, wrong trials (final balance != 100) and, for Forkscope, lost events
(must be 0: bank_bench aborts otherwise); then ratio = Forkscope trials/s / Python trials/s (above 1:
Forkscope is faster by that factor). Target: tight ratio >= 50 (Forkscope at least 50x Python's trial rate).

Usage: python3 bench/bank_python.py [BIN_DIR] [--trials N] [--tight-trials N] [--blocks N] [--shapes LIST]
BIN_DIR defaults to /work/main/build/dev/bin; it must hold bank_bench (and forkscope-runner beside it).
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench_support import share, loadavg, run_checked

START = 100
TARGET_TIGHT_RATIO = 50
SHAPES = ('tight', 'tutorial', 'tight-lock', 'tutorial-lock', 'tight-noyield')
KNOWN = SHAPES + ('tutorial-noyield', 'tight-lock-noyield', 'tutorial-lock-noyield')


# --- The workers (module level, like the tutorial's) ------------------------------------------------------

def teller_tight(bal, delta, updates):
    for _ in range(updates):
        v = bal.value
        bal.value = v + delta


def teller_tight_lock(bal, lock, delta, updates):
    for _ in range(updates):
        with lock:
            v = bal.value
            bal.value = v + delta


def teller_tutorial(bal, delta, updates, think, nap):
    for _ in range(updates):
        v = bal.value
        time.sleep(think)
        bal.value = v + delta
        time.sleep(nap)


def teller_tutorial_lock(bal, lock, delta, updates, think, nap):
    for _ in range(updates):
        with lock:
            v = bal.value
            time.sleep(think)
            bal.value = v + delta
        time.sleep(nap)


# --- Python trials -----------------------------------------------------------------------------------------

def python_trial(ctx, shape, time_scale=0.0, synchronized=False):
    """One trial of `shape`: (seconds from the Value's creation to both joined, final balance).
    synchronized: the Value as the tutorials create it, mp.Value('i', 100), whose every .value access takes
    the Value's own RLock (the read-modify-write is still split, so updates are still lost)."""
    tight = shape.startswith('tight')
    locked = shape.endswith('-lock')
    updates = 100000 if tight else 100
    think, nap = 0.0002 * time_scale, 0.01 * time_scale
    t0 = time.monotonic()
    bal = ctx.Value('i', START) if synchronized else ctx.Value('q', START, lock=False)
    lock = ctx.Lock() if locked else None
    procs = []
    for delta in (+1, -1):
        if tight:
            target, args = (teller_tight_lock, (bal, lock, delta, updates)) if locked else \
                (teller_tight, (bal, delta, updates))
        else:
            target, args = (teller_tutorial_lock, (bal, lock, delta, updates, think, nap)) if locked else \
                (teller_tutorial, (bal, delta, updates, think, nap))
        procs.append(ctx.Process(target=target, args=args))
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    final = bal.value
    elapsed = time.monotonic() - t0
    if any(p.exitcode != 0 for p in procs):
        sys.exit(f'bank_python: a Python worker failed ({shape})')
    return elapsed, final


# --- Helpers -----------------------------------------------------------------------------------------------

def summary(times_s, finals):
    """trials/s over the pooled trials, median trial (ms), wrong trials."""
    total = sum(times_s)
    return {'trials': len(times_s), 'per_s': len(times_s) / total if total > 0 else 0.0,
            'median_ms': statistics.median(times_s) * 1e3, 'min_ms': min(times_s) * 1e3,
            'max_ms': max(times_s) * 1e3, 'wrong': sum(1 for f in finals if f != START)}


# --- Main --------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('bin_dir', nargs='?', default='/work/main/build/dev/bin',
                        help='directory holding bank_bench (default: %(default)s)')
    parser.add_argument('--trials', type=int, default=20, help='trials per shape (default: %(default)s)')
    parser.add_argument('--tight-trials', type=int, default=10,
                        help='Python trials of the tight shapes (0.03-0.3 s each; default: %(default)s)')
    parser.add_argument('--blocks', type=int, default=4, help='interleaved blocks (default: %(default)s)')
    parser.add_argument('--shapes', default=','.join(SHAPES), help='comma-separated (default: %(default)s)')
    args = parser.parse_args()
    shapes = [s for s in args.shapes.split(',') if s]
    for s in shapes:
        if s not in KNOWN:
            sys.exit(f'bank_python: unknown shape {s!r} (one of {", ".join(KNOWN)})')
    # Python runs each base shape once; a -noyield row compares with its base shape's Python trials.
    py_shapes = list(dict.fromkeys(s.replace('-noyield', '') for s in shapes))

    bank_bench = os.path.join(args.bin_dir, 'bank_bench')
    if not os.access(bank_bench, os.X_OK):
        sys.exit(f'bank_python: {bank_bench} is missing; build it first (see bench/README.md) '
                 f'or pass the bin directory that holds it')

    began = time.monotonic()
    print(f'bank_python: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {loadavg()}')
    ctx = multiprocessing.get_context('fork')
    py_trials = {s: args.tight_trials if s.startswith('tight') else args.trials for s in py_shapes}
    py = {s: ([], []) for s in py_shapes}  # shape: (seconds, finals)
    # The unlocked tight shape also as the tutorials write it (a synchronized Value): the peer.
    sync_shapes = [s for s in py_shapes if s == 'tight']
    py_sync = {s: ([], []) for s in sync_shapes}
    fs = {s: ([], []) for s in shapes}    # shape: (seconds, finals)
    fs_lost = 0
    fs_yield_ns = []
    fs_events = {}

    # One warm-up Python trial per shape (imports, the first fork); bank_bench warms up in its first block.
    for s in py_shapes:
        python_trial(ctx, s)
    blocks = max(1, min(args.blocks, args.trials))
    with tempfile.TemporaryDirectory(prefix='forkscope-bank-') as tmpdir:
        for block in range(blocks):
            for s in py_shapes:
                for _ in range(share(py_trials[s], block, blocks)):
                    elapsed, final = python_trial(ctx, s)
                    py[s][0].append(elapsed)
                    py[s][1].append(final)
            for s in sync_shapes:
                for _ in range(share(py_trials[s], block, blocks)):
                    elapsed, final = python_trial(ctx, s, synchronized=True)
                    py_sync[s][0].append(elapsed)
                    py_sync[s][1].append(final)
            json_path = os.path.join(tmpdir, f'bank-{block}.json')
            run_checked([bank_bench, '--trials', str(share(args.trials, block, blocks)),
                         '--warmup', '1' if block == 0 else '0', '--shapes', ','.join(shapes), '--floor', 'off',
                         '--json', json_path])
            with open(json_path) as f:
                data = json.load(f)
            fs_yield_ns.append(data.get('yield_ns', 0.0))
            for s in shapes:
                fs[s][0].extend(t / 1e3 for t in data[s]['samples']['trial'])
                fs[s][1].extend(data[s]['samples']['final'])
                fs_lost += data[s]['lost']
                fs_events[s] = data[s]['events_per_trial']

    py_sum = {s: summary(*py[s.replace('-noyield', '')]) for s in shapes}
    fs_sum = {s: summary(*fs[s]) for s in shapes}

    print()
    print('Bank trials, 2 processes (deposit +1, withdraw -1), final balance expected 100')
    print(f'{"shape":18} {"side":10} {"trials":>6} {"trials/s":>9} {"median ms":>10} {"min ms":>9} {"max ms":>9} '
          f'{"wrong":>6}   notes')
    for s in shapes:
        sides = (('Python', py_sum[s]), ('Forkscope', fs_sum[s]))
        if s.endswith('-noyield'):
            sides = sides[1:]  # Python's row is its base shape's
        for side, summ in sides:
            if side == 'Forkscope':
                note = f'{fs_events[s]:.0f} events per trial, lost 0'
            else:
                note = 'Value(lock=False)' + (' + Lock' if s.endswith('-lock') else '') + ', fork'
            print(f'{s:18} {side:10} {summ["trials"]:6d} {summ["per_s"]:9.2f} {summ["median_ms"]:10.3f} '
                  f'{summ["min_ms"]:9.3f} {summ["max_ms"]:9.3f} {summ["wrong"]:6d}   {note}')

    print()
    print('Forkscope vs Python (ratio = Forkscope trials/s / Python trials/s; above 1: Forkscope is faster)')
    print(f'{"shape":18} {"Python /s":>10} {"Forkscope /s":>13} {"ratio":>9}   target')
    for s in shapes:
        ratio = fs_sum[s]['per_s'] / py_sum[s]['per_s'] if py_sum[s]['per_s'] > 0 else float('nan')
        verdict = ''
        if s in ('tight', 'tight-noyield'):
            verdict = f'>= {TARGET_TIGHT_RATIO}x: ' + ('met' if ratio >= TARGET_TIGHT_RATIO else
                                                      f'MISSED (needs a tight trial <= '
                                                      f'{1e3 / (TARGET_TIGHT_RATIO * py_sum[s]["per_s"]):.2f} ms)')
        print(f'{s:18} {py_sum[s]["per_s"]:10.2f} {fs_sum[s]["per_s"]:13.2f} {ratio:8.2f}x   {verdict}')
    for s in sync_shapes:
        sync = summary(*py_sync[s])
        ratio = fs_sum[s]['per_s'] / sync['per_s'] if sync['per_s'] > 0 else float('nan')
        print(f'{s + " vs sync":18} {sync["per_s"]:10.2f} {fs_sum[s]["per_s"]:13.2f} {ratio:8.2f}x   '
              f'>= {TARGET_TIGHT_RATIO}x: ' + ('met' if ratio >= TARGET_TIGHT_RATIO else 'MISSED')
              + f'   (Python: mp.Value(\'i\', 100) as in the tutorials, median {sync["median_ms"]:.1f} ms, '
              f'wrong {sync["wrong"]}/{sync["trials"]})')
    if any(s.startswith('tight') for s in shapes) and fs_yield_ns:
        print(f'(On one core Forkscope\'s tight plan calls sched_yield() between read and write; one alone '
              f'costs {statistics.median(fs_yield_ns):.0f} ns here. Python\'s loop does not yield.)')
    print(f'\ntotal {time.monotonic() - began:.1f} s, load average now {loadavg()}')


if __name__ == '__main__':
    main()
