#!/usr/bin/env python3
"""python_peer.py: what Python itself does, measured in the same run as Forkscope's equivalents.

Python side (this interpreter):
  * start of 10 workers with multiprocessing (start methods fork and spawn) and with threading: each worker
    stores time.monotonic() (CLOCK_MONOTONIC, the clock Forkscope's events use) first thing into a shared
    array; the parent notes time.monotonic() just before the first start().
      spread = last worker's time - first worker's time
      delay  = last worker's time - the parent's time before the first start()
  * the overhead of the tutorial's sleepy_man: 2 workers sleep 1 s, started and joined; wall - 1 s.
    (The workers' prints go to /dev/null while it runs.)
Forkscope side (binaries from BIN_DIR):
  * start_bench (Run::start on `sleepers`, sleep 0, 10 workers): the same spread and delay from its events;
  * `forkscope run sleepers --kind process|thread --workers 2 --sleep 1 --join on --summary F`:
    sleepy_man overhead = wall_seconds - 1 (main's start to main's end, inside the run);
  * end to end: the whole CLI command vs. a fresh `python3` running the tutorial's script, wall - 1 s.
Prints the medians side by side with the ratio Python / Forkscope (above 1: Forkscope is faster).

Usage: python3 bench/python_peer.py [BIN_DIR] [--reps N] [--spawn-reps N] [--sleepy-reps N]
BIN_DIR defaults to /work/main/build/dev/bin; it must hold forkscope and start_bench.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from bench_support import stats, share, loadavg, run_checked

WORKERS = 10

# The tutorial's program, run as a fresh interpreter for the end-to-end row.
SLEEPY_SCRIPT = """\
import multiprocessing
import time

def sleepy_man():
    print('Starting to sleep')
    time.sleep(1)
    print('Done sleeping')

if __name__ == '__main__':
    tic = time.time()
    p1 = multiprocessing.Process(target=sleepy_man)
    p2 = multiprocessing.Process(target=sleepy_man)
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    toc = time.time()
    print('Done in {:.4f} seconds'.format(toc - tic))
"""


# --- Workers (module level, so that the spawn start method can import them) ------------------------------

def note_start(times, i):
    times[i] = time.monotonic()


def sleepy_man():
    print('Starting to sleep')
    time.sleep(1)
    print('Done sleeping')


# --- Measurements ------------------------------------------------------------------------------------------

def start_once_processes(ctx, n):
    times = ctx.RawArray('d', n)
    procs = [ctx.Process(target=note_start, args=(times, i)) for i in range(n)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    if any(p.exitcode != 0 for p in procs) or any(t == 0.0 for t in times):
        raise RuntimeError('a worker failed')
    return max(times) - min(times), max(times) - t0


def start_once_threads(n):
    times = [0.0] * n
    threads = [threading.Thread(target=note_start, args=(times, i)) for i in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return max(times) - min(times), max(times) - t0


class Quiet:
    """Sends fd 1 to /dev/null (so forked and spawned children print there too), then restores it."""

    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)

    def __exit__(self, *exc):
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)


def sleepy_once(make):
    tic = time.monotonic()
    w1 = make(sleepy_man)
    w2 = make(sleepy_man)
    w1.start()
    w2.start()
    w1.join()
    w2.join()
    return time.monotonic() - tic - 1.0










def forkscope_sleepy(cli, kind, tmpdir, rep):
    summary = os.path.join(tmpdir, f'sleepy-{kind}-{rep}.json')
    cmd = [cli, 'run', 'sleepers', '--kind', kind, '--workers', '2', '--sleep', '1', '--join', 'on',
           '--summary', summary]
    t0 = time.monotonic()
    run_checked(cmd)
    whole = time.monotonic() - t0 - 1.0
    with open(summary) as f:
        data = json.load(f)
    if data.get('error') or len(data.get('workers', [])) != 2:
        sys.exit(f'python_peer: forkscope run failed: {data}')
    return data['wall_seconds'] - 1.0, whole


def python_script_whole(script_path):
    t0 = time.monotonic()
    run_checked([sys.executable, script_path])
    return time.monotonic() - t0 - 1.0


# --- Main --------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('bin_dir', nargs='?', default='/work/main/build/dev/bin',
                        help='directory holding forkscope and start_bench (default: %(default)s)')
    parser.add_argument('--reps', type=int, default=20, help='runs of each 10-worker start (fork, threads, engine)')
    parser.add_argument('--spawn-reps', type=int, default=10, help='runs of the 10-worker start with spawn')
    parser.add_argument('--blocks', type=int, default=4,
                        help='the start runs are split into this many interleaved blocks (Python, engine, ...)')
    parser.add_argument('--sleepy-reps', type=int, default=3, help='runs of each sleepy_man variant (1 s each)')
    args = parser.parse_args()

    cli = os.path.join(args.bin_dir, 'forkscope')
    start_bench = os.path.join(args.bin_dir, 'start_bench')
    for path in (cli, start_bench):
        if not os.access(path, os.X_OK):
            sys.exit(f'python_peer: {path} is missing; build it first (see bench/README.md) '
                     f'or pass the bin directory that holds it')

    began = time.monotonic()
    print(f'python_peer: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {loadavg()}')
    contexts = {'fork': multiprocessing.get_context('fork'), 'spawn': multiprocessing.get_context('spawn')}

    # 1+2. Start of 10 workers: Python in this interpreter, and the engine through start_bench, interleaved in
    # blocks so that a busy moment of the machine hits both alike. One warm-up run of each Python method first
    # (imports, the first spawn); start_bench does its own warm-up.
    blocks = max(1, min(args.blocks, args.reps))
    py_samples = {'fork': [], 'spawn': [], 'threading': []}
    fs_samples = {kind: {'spread': [], 'delay': []} for kind in ('process', 'thread')}

    def python_start(name):
        if name == 'threading':
            return start_once_threads(WORKERS)
        return start_once_processes(contexts[name], WORKERS)

    for name in py_samples:
        python_start(name)
    with tempfile.TemporaryDirectory(prefix='forkscope-peer-') as tmpdir:
        for block in range(blocks):
            for name, total in (('fork', args.reps), ('threading', args.reps), ('spawn', args.spawn_reps)):
                py_samples[name] += [python_start(name) for _ in range(share(total, block, blocks))]
            json_path = os.path.join(tmpdir, f'start-{block}.json')
            run_checked([start_bench, '--reps', str(share(args.reps, block, blocks)), '--warmup', '1',
                         '--json', json_path])
            with open(json_path) as f:
                data = json.load(f)
            for kind, figures in fs_samples.items():
                for figure, values in figures.items():
                    values += data[kind]['samples'][figure]
    py_start = {name: {'spread': stats([s[0] * 1e6 for s in samples]), 'delay': stats([s[1] * 1e6 for s in samples])}
                for name, samples in py_samples.items()}
    fs_start = {kind: {figure: stats(values) for figure, values in figures.items()}
                for kind, figures in fs_samples.items()}

    with tempfile.TemporaryDirectory(prefix='forkscope-peer-') as tmpdir:
        # 3. sleepy_man overhead, Python (in this interpreter) and Forkscope (the CLI), interleaved.
        script_path = os.path.join(tmpdir, 'sleepy_man.py')
        with open(script_path, 'w') as f:
            f.write(SLEEPY_SCRIPT)
        makers = {'fork': lambda target: contexts['fork'].Process(target=target),
                  'spawn': lambda target: contexts['spawn'].Process(target=target),
                  'threading': lambda target: threading.Thread(target=target)}
        py_sleepy = {name: [] for name in makers}
        py_whole = []
        fs_sleepy = {'process': [], 'thread': []}
        fs_whole = []
        for rep in range(args.sleepy_reps):
            with Quiet():
                for name, make in makers.items():
                    py_sleepy[name].append(sleepy_once(make))
            for kind in fs_sleepy:
                inside, whole = forkscope_sleepy(cli, kind, tmpdir, rep)
                fs_sleepy[kind].append(inside)
                if kind == 'process':
                    fs_whole.append(whole)
            py_whole.append(python_script_whole(script_path))

    # 4. Report.
    print()
    print(f'Python: start of {WORKERS} workers (us), {args.reps} runs ({args.spawn_reps} with spawn)')
    print(f'{"method":10} {"figure":7} {"median":>10} {"p90":>10} {"min":>10} {"max":>10}')
    for name, figures in py_start.items():
        for figure in ('spread', 'delay'):
            s = figures[figure]
            print(f'{name:10} {figure:7} {s["median"]:10.1f} {s["p90"]:10.1f} {s["min"]:10.1f} {s["max"]:10.1f}')
    print(f'Forkscope: start of {WORKERS} workers through the engine (us), {args.reps} runs '
          f'(start_bench; target for the median delay: processes <= 1500, threads <= 300)')
    print(f'{"kind":10} {"figure":7} {"median":>10} {"p90":>10} {"min":>10} {"max":>10}')
    for kind, figures in fs_start.items():
        for figure in ('spread', 'delay'):
            s = figures[figure]
            print(f'{kind:10} {figure:7} {s["median"]:10.1f} {s["p90"]:10.1f} {s["min"]:10.1f} {s["max"]:10.1f}')
    print(f'Python: sleepy_man overhead (ms, wall - 1 s), {args.sleepy_reps} runs: '
          + ', '.join(f'{name} {statistics.median(v) * 1e3:.1f}' for name, v in py_sleepy.items()))

    def ratio(python_value, forkscope_value):
        return f'{python_value / forkscope_value:8.1f}x' if forkscope_value > 0 else '       n/a'

    rows = []
    for figure in ('spread', 'delay'):
        for py_name in ('fork', 'spawn'):
            rows.append((f'start {figure}, 10 processes', py_name, py_start[py_name][figure]['median'],
                         'process', fs_start['process'][figure]['median'], 'us'))
        rows.append((f'start {figure}, 10 threads', 'threading', py_start['threading'][figure]['median'],
                     'thread', fs_start['thread'][figure]['median'], 'us'))
    for py_name in ('fork', 'spawn'):
        rows.append(('sleepy_man overhead, processes', py_name, statistics.median(py_sleepy[py_name]) * 1e3,
                     'process', statistics.median(fs_sleepy['process']) * 1e3, 'ms'))
    rows.append(('sleepy_man overhead, threads', 'threading', statistics.median(py_sleepy['threading']) * 1e3,
                 'thread', statistics.median(fs_sleepy['thread']) * 1e3, 'ms'))
    rows.append(('end to end, whole program - 1 s', 'python3 script', statistics.median(py_whole) * 1e3,
                 'forkscope CLI', statistics.median(fs_whole) * 1e3, 'ms'))

    print()
    print('Python vs Forkscope (medians; ratio = Python / Forkscope, above 1 means Forkscope is faster)')
    print(f'{"figure":33} {"Python":>14} {"value":>10}   {"Forkscope":>14} {"value":>10}   {"ratio":>9}')
    for figure, py_name, py_value, fs_name, fs_value, unit in rows:
        print(f'{figure:33} {py_name:>14} {py_value:8.1f}{unit:>2}   {fs_name:>14} {fs_value:8.1f}{unit:>2}   '
              f'{ratio(py_value, fs_value)}')
    print(f'\ntotal {time.monotonic() - began:.1f} s, load average now {loadavg()}')


if __name__ == '__main__':
    main()
