#!/usr/bin/env python3
"""Each lesson's Python twin against Forkscope's run of the same lesson.

    twins_test.py --cli FORKSCOPE --twins DIR SCENARIO     one scenario (ctest runs one per scenario)
    twins_test.py --cli FORKSCOPE --twins DIR --coverage   every scenario has a twin, every twin a scenario

For a scenario it checks that the twin takes exactly Forkscope's parameters (names, defaults, choices,
integer or number), that both run at their defaults, and then runs the twin with python3 and
`forkscope run ID` with the same parameters (times shortened by --time-scale) and checks the same key
outcome on both: printed lines, final values, the order of results; for the race and the GIL lab the
same shape over repeated runs. Exit status 0: passed, 1: failed (every failure listed), 77: skipped.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time

# A scenario's twin is <id>.py beside its <id>.json (whose "python" key names it): the scenario ids are
# those of CHECKS, below.
def twin_file(scenario):
    return scenario + ".py"


SKIP = 77
TIMEOUT = 120  # seconds for one run of either side; nothing here takes more than a few


class Skip(Exception):
    pass


class Failures:
    """Collects what did not hold, so one run reports every difference."""

    def __init__(self):
        self.problems = []
        self.skipped = []  # checks that could not be made here, and why

    def check(self, ok, what):
        if not ok:
            self.problems.append(what)
        return ok

    def equal(self, python, forkscope, what):
        """The two sides agree."""
        return self.check(python == forkscope, f"{what}: python3 {python!r}, forkscope {forkscope!r}")

    def holds(self, got, want, what):
        """One side (named in `what`) shows what the lesson says."""
        return self.check(got == want, f"{what}: got {got!r}, expected {want!r}")


Run = collections.namedtuple("Run", "lines stderr rc seconds summary caption")


def options(params):
    out = []
    for name, value in params.items():
        out += [f"--{name}", str(value)]
    return out


class Sides:
    def __init__(self, cli, twins_dir, scenario):
        self.cli = cli
        self.twin = os.path.join(twins_dir, twin_file(scenario))
        self.scenario = scenario

    def twin_run(self, params):
        """The twin as __main__ under this interpreter, with its stdout line-buffered as in a terminal (else
        each process's lines would come out only when it exits, out of their order) and each print written
        in one piece: CPython's print writes its text and its newline separately, so threads printing at
        the same moment can share a line ('…0.5 smain reached its end…'), in a terminal too."""
        terminal_like = (
            "import builtins, runpy, sys\n"
            "sys.stdout.reconfigure(line_buffering=True)\n"
            "def print(*values, sep=' ', end='\\n', file=None, flush=False):\n"
            "    (file or sys.stdout).write(sep.join(map(str, values)) + end)\n"
            "builtins.print = print\n"
            "sys.argv = sys.argv[1:]\n"
            "runpy.run_path(sys.argv[0], run_name='__main__')\n")
        tic = time.monotonic()
        p = subprocess.run([sys.executable, "-c", terminal_like, self.twin] + options(params),
                           capture_output=True, text=True, timeout=TIMEOUT)
        took = time.monotonic() - tic
        return Run(p.stdout.splitlines(), p.stderr, p.returncode, took, None, None)

    def forkscope_run(self, params):
        """`forkscope run` with a --summary; its printed lines are what comes before the result block."""
        with tempfile.TemporaryDirectory() as tmp:
            summary_path = os.path.join(tmp, "summary.json")
            tic = time.monotonic()
            p = subprocess.run([self.cli, "run", self.scenario] + options(params) + ["--summary", summary_path],
                               capture_output=True, text=True, timeout=TIMEOUT)
            took = time.monotonic() - tic
            summary = None
            if os.path.exists(summary_path):
                with open(summary_path) as f:
                    summary = json.load(f)
        out = p.stdout.splitlines()
        lines, caption = [], None
        for i, line in enumerate(out):
            if line.startswith("--- "):
                if lines and lines[-1] == "":
                    lines.pop()
                caption = out[i + 1].strip() if i + 1 < len(out) else None
                break
            lines.append(line)
        return Run(lines, p.stderr, p.returncode, took, summary, caption)

    def twin_parameters(self):
        """The twin's options as its argparse parser declares them, read without running the lesson."""
        hook = (
            "import argparse, json, runpy, sys\n"
            "def dump(parser, args=None, namespace=None):\n"
            "    out = {}\n"
            "    for a in parser._actions:\n"
            "        if a.option_strings and a.dest != 'help':\n"
            "            out[a.option_strings[0][2:]] = {'default': a.default, 'choices': a.choices,\n"
            "                                           'type': getattr(a.type, '__name__', None)}\n"
            "    print(json.dumps(out))\n"
            "    sys.exit(0)\n"
            "argparse.ArgumentParser.parse_args = dump\n"
            "runpy.run_path(sys.argv[1], run_name='__main__')\n")
        p = subprocess.run([sys.executable, "-c", hook, self.twin], capture_output=True, text=True,
                           timeout=TIMEOUT)
        if p.returncode != 0:
            raise AssertionError(f"{self.twin} did not declare its parameters: {p.stderr}")
        return json.loads(p.stdout)

    def forkscope_defaults(self):
        """Forkscope's parameters and their defaults, as `forkscope run ID --help` lists them from the file."""
        p = subprocess.run([self.cli, "run", self.scenario, "--help"], capture_output=True, text=True,
                           timeout=TIMEOUT)
        out = {}
        for line in p.stdout.splitlines():
            m = re.match(r"^  --([a-z][a-z0-9-]*) \(.*; default (.*)\)$", line)
            if m:
                out[m.group(1)] = m.group(2)
        if p.returncode != 0 or not out:
            raise AssertionError(f"forkscope run {self.scenario} --help: exit {p.returncode}, {p.stdout!r}")
        return out

    def forkscope_allowed(self, name):
        """What Forkscope allows for --name, from its refusal of a value no parameter takes."""
        p = subprocess.run([self.cli, "run", self.scenario, f"--{name}", "?"], capture_output=True, text=True,
                           timeout=TIMEOUT)
        m = re.search(r"is not allowed: expected (.*)$", p.stderr.splitlines()[0] if p.stderr else "")
        if p.returncode != 2 or not m:
            raise AssertionError(f"forkscope run {self.scenario} --{name} ?: exit {p.returncode}, {p.stderr!r}")
        allowed = m.group(1)
        if allowed.startswith("one of: "):
            return {"type": None, "choices": allowed[len("one of: "):].split(", ")}
        return {"type": "int" if allowed.startswith("an integer") else "float", "choices": None}


def check_parameters(sides, f):
    """Same names, defaults, choices and types; and both sides run at those defaults."""
    twin = sides.twin_parameters()
    fs = sides.forkscope_run({"time-scale": 0.01})
    # The bank's 100 trials of CPython take half a minute on a loaded machine: three show it runs.
    py = sides.twin_run({"time-scale": 0.01, **({"trials": 3} if sides.scenario == "bank" else {})})
    f.check(fs.rc == 0 and fs.caption, f"forkscope at its defaults: exit {fs.rc}, {fs.stderr.strip()}")
    f.check(py.rc == 0, f"the twin at its defaults: exit {py.rc}, {py.stderr.strip()}")
    if not fs.caption:
        return
    defaults = sides.forkscope_defaults()
    f.equal(sorted(twin), sorted(defaults), "parameters")
    for name in sorted(set(twin) & set(defaults)):
        allowed = sides.forkscope_allowed(name)
        spec = twin[name]
        if allowed["choices"] is not None:
            f.equal(spec["choices"], allowed["choices"], f"--{name} choices")
            f.equal(spec["default"], defaults[name], f"--{name} default")
        else:
            f.equal(spec["type"], allowed["type"], f"--{name} type")
            f.check(spec["default"] is not None and float(spec["default"]) == float(defaults[name]),
                    f"--{name} default: python3 {spec['default']!r}, forkscope {defaults[name]!r}")


# --- Helpers for the lessons ----------------------------------------------------------------------------


def both(sides, params):
    """Runs the twin and Forkscope once each with `params`; both must end with exit status 0."""
    py = sides.twin_run(params)
    fs = sides.forkscope_run(params)
    if py.rc != 0:
        raise AssertionError(f"the twin {options(params)} exited {py.rc}: {py.stderr}")
    if fs.rc != 0 or fs.summary is None:
        raise AssertionError(f"forkscope {options(params)} exited {fs.rc}: {fs.stderr}")
    return py, fs


def normalised(lines):
    """Printed lines with what differs between any two runs (pids, clock times, elapsed times) masked."""
    out = []
    for line in lines:
        line = re.sub(r"\(pid \d+\)", "(pid P)", line)
        line = re.sub(r" at \d+\.\d+:", " at T:", line)
        line = re.sub(r"after \d+\.\d+ s", "after E s", line)
        line = re.sub(r"time taken \d+\.\d+ s", "time taken E s", line)
        out.append(line)
    return out


def elapsed(lines, prefix):
    """The seconds in the line that starts with `prefix` and ends 'after S s' / 'S s'."""
    for line in lines:
        if line.startswith(prefix):
            return float(re.search(r"(\d+\.\d+) s$", line).group(1))
    raise AssertionError(f"no line starts with {prefix!r} in {lines}")


class CpuUse:
    """Busy CPU seconds of the whole machine and of this process's children, to tell others' load apart."""

    def __init__(self):
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle, iowait
        self.machine = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        t = os.times()
        self.ours = t.user + t.system + t.children_user + t.children_system
        self.at = time.monotonic()


def others_cores(before, after):
    """Cores other programs kept busy between two CpuUse readings."""
    return max(0.0, ((after.machine - before.machine) - (after.ours - before.ours)) / (after.at - before.at))


def have_psutil():
    return subprocess.run([sys.executable, "-c", "import psutil"], capture_output=True).returncode == 0


def usable_cores():
    return len(os.sched_getaffinity(0))


# --- The lessons ----------------------------------------------------------------------------------------


def most_asleep(lines):
    """The most workers asleep at one time, as the order of their lines shows it."""
    asleep, most = 0, 0
    for line in lines:
        asleep += 1 if "going to sleep" in line else -1 if line.endswith("woke up, bye") else 0
        most = max(most, asleep)
    return most


def check_sleepers(sides, f):
    n, sleep, scale = 4, 2, 0.25  # naps of 0.5 s: long against a start (python3's took 0.13 s under load)
    nap = sleep * scale
    for kind in ("sequential", "thread", "process"):
        best = {}
        for attempt in range(3):  # the best of three: a busy moment can slow any start
            py, fs = both(sides, {"kind": kind, "workers": n, "sleep": sleep, "time-scale": scale})
            if attempt == 0:
                f.equal(sorted(normalised(py.lines)), sorted(normalised(fs.lines)), f"{kind}: printed lines")
                f.check(f"worker 1 (pid P) at T: going to sleep for {nap:g} s" in normalised(fs.lines),
                        f"{kind}: the nap as it really lasts, {nap:g} s")
            runs = {"python3": (elapsed(py.lines, "main reached its end"), most_asleep(py.lines)),
                    "forkscope": (fs.summary["main_end_seconds"], most_asleep(fs.lines))}
            for side, (wall, asleep) in runs.items():
                was = best.get(side, (wall, asleep))
                best[side] = (min(was[0], wall), max(was[1], asleep))
            if kind == "sequential" or all(w < 0.8 * n * nap for w, _ in best.values()):
                break
        for side, (wall, asleep) in best.items():
            if kind == "sequential":
                f.check(wall >= n * nap * 0.95, f"{side} sequential: {wall:.3f} s, not the sum of the naps")
                f.holds(asleep, 1, f"{side} sequential: workers asleep at once")
            else:
                # About one nap, plus the starts: python3's took up to 0.18 s each on a loaded machine.
                f.check(wall < 0.8 * n * nap, f"{side} {kind}: {wall:.3f} s, near the sum of the naps, {n * nap:g} s")
                f.check(asleep >= 2, f"{side} {kind}: only {asleep} asleep at once")


def check_no_join(sides, f):
    nap = 0.5  # --sleep 1 at time scale 0.5: long enough that every worker has started before any wakes
    for kind in ("thread", "process"):
        for join in ("off", "on"):
            py, fs = both(sides, {"kind": kind, "join": join, "time-scale": nap})
            for side, run in (("python3", py), ("forkscope", fs)):
                main = next((i for i, line in enumerate(run.lines) if line.startswith("main reached its end")), -1)
                f.check(main >= 0, f"{side} {kind} join {join}: main's last line is missing from {run.lines}")
                woke = [i for i, line in enumerate(run.lines) if line.endswith("woke up, bye")]
                f.holds(len(woke), 2, f"{side} {kind} join {join}: workers that woke up")
                if join == "off":
                    f.check(all(main < i for i in woke), f"{side} {kind} join off: main's line comes first")
                    # The program is not over at main's last line: it waits for its workers at exit.
                    f.check(run.seconds >= nap, f"{side} {kind} join off: exited after {run.seconds:.2f} s")
                else:
                    f.check(all(main > i for i in woke), f"{side} {kind} join on: main's line comes last")
            f.equal(sorted(normalised(py.lines)), sorted(normalised(fs.lines)), f"{kind} join {join}: lines")


def check_square_cube(sides, f):
    sleep, scale = 5, 0.04  # 0.2 s before each of four numbers
    for kind in ("thread", "process"):
        py, fs = both(sides, {"kind": kind, "sleep": sleep, "time-scale": scale})
        f.equal(sorted(py.lines), sorted(fs.lines), f"{kind}: printed lines")
        for side, run in (("python3", py), ("forkscope", fs)):
            f.holds(run.lines[-1:], ["done"], f"{side} {kind}: the last line")
            for label in ("square", "cube"):
                mine = [line for line in run.lines if line.startswith(label + " of")]
                f.holds(mine, sorted(mine), f"{side} {kind}: {label}s in order")


def process_tables(lines):
    """{title: [(pid, ppid, name, state, threads), …]} from the printed tables."""
    tables, current = {}, None
    for line in lines:
        if line.startswith("processes "):
            current = tables.setdefault(line, [])
            continue
        m = re.match(r"^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s+(\d+)$", line)
        if current is not None and m:
            current.append((int(m[1]), int(m[2]), m[3], m[4], int(m[5])))
        elif current is not None and not line.strip().startswith("PID"):
            current = None
    return tables


def check_process_table(sides, f):
    titles = ["processes before we start our workers", "processes after we start our workers",
              "processes after our workers ended"]
    for kind in ("process", "thread"):
        py, fs = both(sides, {"kind": kind, "sleep": 5, "time-scale": 0.1})  # workers sleep 0.5 s first
        counts = {}
        for side, run in (("python3", py), ("forkscope", fs)):
            tables = process_tables(run.lines)
            f.holds(sorted(tables), sorted(titles), f"{side} {kind}: the tables")
            if sorted(tables) != sorted(titles):
                continue
            counts[side] = [len(tables[t]) for t in titles]
            main_pid = tables[titles[0]][0][0]
            f.check(all(row[1] == main_pid for row in tables[titles[1]][1:]),
                    f"{side} {kind}: every worker's parent is the program ({tables[titles[1]]})")
            if kind == "thread":
                f.check(tables[titles[1]][0][4] > tables[titles[0]][0][4],
                        f"{side} threads: the one process has more threads after start ({tables})")
        f.equal(counts.get("python3"), counts.get("forkscope"), f"{kind}: processes in each table")
        f.holds(counts.get("python3"), [1, 3, 1] if kind == "process" else [1, 1, 1], f"python3 {kind}: processes before start, after it, after join")
        powers = [line for line in py.lines if "^" in line]
        f.equal(sorted(powers), sorted(line for line in fs.lines if "^" in line), f"{kind}: the powers")
        f.holds(len(powers), 14, f"python3 {kind}: seven squares and seven cubes")


def check_memory_isolation(sides, f):
    n = 4
    for kind in ("process", "thread"):
        py, fs = both(sides, {"kind": kind, "workers": n, "sleep": 1, "time-scale": 0.05})
        f.equal(py.lines[-1], fs.lines[-1], f"{kind}: main's last line")
        f.holds(fs.summary["main_final"], 1 if kind == "process" else 2**n, f"forkscope {kind}: main's a")
        if kind == "process":
            f.equal(sorted(py.lines), sorted(fs.lines), "process: every worker received 1 and wrote 2")
            f.holds(py.lines[-1], "main reached its end and has a = 1", "python3 process: main's copy untouched")
        else:
            f.holds(py.lines[-1], f"main reached its end and has a = {2**n}", "python3 thread: one a, doubled by all")


def check_shared_value(sides, f):
    n = 4
    for kind in ("process", "thread"):
        for _ in range(3):  # the race may strike in any run, or in none
            py, fs = both(sides, {"kind": kind, "workers": n, "sleep": 1, "time-scale": 0.05})
            for side, run in (("python3", py), ("forkscope", fs)):
                final = int(run.lines[-1].rsplit(" ", 1)[1])
                received = [int(l.rsplit(" ", 1)[1]) for l in run.lines if " received " in l]
                f.holds(len(received), n, f"{side} {kind}: workers that received a value")
                # Through shared memory main sees the workers' doublings (private copies would leave it 1);
                # they compound unless lost, and all but one may be lost: four processes that all read 1
                # before any wrote leave 2 (seen once in CPython under a loaded CI run) ...
                f.check(2 <= final <= 2**n and final & (final - 1) == 0, f"{side} {kind}: main's a = {final}")
                # ... and the last write is twice what its worker read, whichever worker that was. CPython's
                # threads lose doublings often: the print between read and write is I/O and lets the GIL go.
                f.check(final // 2 in received, f"{side} {kind}: a = {final}, but the workers read {received}")
            f.holds(int(fs.lines[-1].rsplit(" ", 1)[1]), fs.summary["main_final"], "forkscope's line and value")
            # Each lost doubling halves the end: exactly one halving per lost update found.
            f.holds(fs.summary["main_final"], 2 ** (n - len(fs.summary["lost_updates"])),
                    f"forkscope {kind}: the final against its lost updates")


def check_global_list(sides, f):
    for kind in ("process", "thread"):
        py, fs = both(sides, {"kind": kind})
        f.equal(py.lines, fs.lines, f"{kind}: printed lines")
        f.holds(py.lines[-1:], [f"main's list holds {0 if kind == 'process' else 4} items"], f"python3 {kind}: main's list")


def check_shared_array(sides, f):
    py, fs = both(sides, {"sleep": 1, "time-scale": 0.5})  # main writes at 0.25 s, the children read at 0.5 s
    f.equal(sorted(py.lines), sorted(fs.lines), "printed lines")
    f.holds(py.lines[-2:], ["main sees arr[1] = 10", "main sees arr[2] = 20"], "python3: main sees what the children wrote")
    f.holds(fs.summary["workers"][0]["read"], [99], "forkscope: writer 1 sees main's 99")


def check_array_overflow(sides, f):
    py, fs = both(sides, {"time-scale": 0.05})
    f.equal(py.lines, fs.lines, "printed lines")
    f.holds(py.lines[1:], [f"main reads result[{i}] = {v}" for i, v in enumerate((4, 9, 16))],
            "python3: three squares stored before the fourth failed")
    f.check("IndexError" in py.stderr, f"python3: the child's IndexError ({py.stderr.strip()[-200:]})")
    child = fs.summary["workers"][0]
    f.holds(child["exit_code"], 1, "forkscope: the child's exit code")
    f.check("IndexError" in child.get("error", ""), f"forkscope: the child's error {child.get('error')!r}")
    f.holds(child.get("wrote"), [4, 9, 16], "forkscope: what the child stored")


def wrong_trials(run, side):
    if side == "python3":
        m = re.match(r"(\d+) of (\d+) trials ended wrong", run.lines[-1])
        return int(m[1]) if m else None
    return run.summary.get("wrong_trials")


def check_bank(sides, f):
    trials = 8
    for kind in ("thread", "process"):
        for lock in ("off", "on"):
            py, fs = both(sides, {"kind": kind, "lock": lock, "trials": trials})
            for side, run in (("python3", py), ("forkscope", fs)):
                lines = [line for line in run.lines if line.startswith("trial ")]
                f.holds(len(lines), trials, f"{side} {kind} lock {lock}: trial lines")
                f.check(all(re.fullmatch(r"trial +\d+   final -?\d+(   wrong)?", line) for line in lines),
                        f"{side} {kind} lock {lock}: the trial lines' shape {lines[:2]}")
                wrong = wrong_trials(run, side)
                if lock == "on":
                    f.holds(wrong, 0, f"{side} {kind} with the lock: wrong trials")
                else:
                    # The race shape goes wrong in most trials on both sides (python3: about 80 % of
                    # processes, 95 % of threads); 8 right in a row would mean the race is gone.
                    f.check(wrong is not None and wrong >= 1, f"{side} {kind} without the lock: {wrong} wrong")
        # One run of the shape set in the parameters, as the tutorial runs it (sleeps shortened 10x).
        for lock in ("on", "off"):
            params = {"kind": kind, "lock": lock, "trials": 1, "updates": 50, "time-scale": 0.1}
            py, fs = both(sides, params)
            for side, run in (("python3", py), ("forkscope", fs)):
                m = re.fullmatch(r"final balance (-?\d+) \(expected 100\)", run.lines[-1] if run.lines else "")
                f.check(m, f"{side} {kind} lock {lock} one run: last line {run.lines[-1:]}")
                if lock == "on" and m:
                    f.holds(int(m[1]), 100, f"{side} {kind} one run with the lock: the balance")


def check_cpu_vs_io(sides, f):
    tasks = 4
    base = {"tasks": tasks, "seconds": 1, "time-scale": 0.2}  # 0.2 s of work per task

    def walls(work, mode, side):
        params = dict(base, work=work, mode=mode)
        if side == "python3":
            run = sides.twin_run(params)
            wall = elapsed(run.lines, f"{tasks} tasks done")
        else:
            run = sides.forkscope_run(params)
            wall = run.summary["main_end_seconds"] if run.summary else None
        if run.rc != 0 or wall is None:
            raise AssertionError(f"{side} {work} {mode} exited {run.rc}: {run.stderr}")
        f.holds(len([l for l in run.lines if " found " in l or " got its answer" in l]), tasks,
                f"{side} {work} {mode}: tasks that finished")
        return wall

    for side in ("python3", "forkscope"):
        # CPU-bound threads under the GIL take turns: about as long as one after another. The best of five
        # counts, since a busy moment can slow either run.
        best = 0.0
        for _ in range(5):
            best = max(best, walls("cpu", "gil-threads", side) / walls("cpu", "sequential", side))
            if best >= 0.8:
                break
        f.check(best >= 0.8, f"{side}: gil-threads took only {best:.2f} x the sequential time")
        # I/O-bound: the waits release the GIL, so even GIL threads wait at once.
        ratio = walls("io", "gil-threads", side) / walls("io", "sequential", side)
        f.check(ratio < 0.6, f"{side}: I/O-bound gil-threads took {ratio:.2f} x the sequential time")
        if usable_cores() < 2:
            f.skipped.append(f"processes against sequential needs 2 cores (this process may use {usable_cores()})")
            continue
        best, others = 1e9, 1e9
        for _ in range(5):
            before = CpuUse()
            ratio = walls("cpu", "processes", side) / walls("cpu", "sequential", side)
            others = min(others, others_cores(before, CpuUse()))
            best = min(best, ratio)
            if best <= 0.8:
                break
        # Other programs keeping half a core busy on every try leave no two cores to measure with; a GIL
        # shared by processes misses the bound on an idle machine (about 1.0: one at a time). Two cores give
        # 0.5 at best; 0.8 leaves room for ctest's other job (CI saw python3's own processes at 0.75 once).
        if best > 0.8 and others > 0.5:
            f.skipped.append(f"other programs kept {others:.1f} cores busy on every try: {side} processes "
                             f"took {best:.2f} x the sequential time")
            continue
        f.check(best <= 0.8, f"{side}: processes took {best:.2f} x the sequential time on {usable_cores()} cores")


def check_producer_consumer(sides, f):
    items, capacity = 30, 5
    for kind in ("process", "thread"):
        params = {"kind": kind, "items": items, "capacity": capacity, "produce": 0.02, "consume": 0.05,
                  "time-scale": 0.2}  # 4 ms to make an item, 10 ms to use one
        py, fs = both(sides, params)
        f.equal(sorted(py.lines), sorted(fs.lines), f"{kind}: printed lines")
        for side, run in (("python3", py), ("forkscope", fs)):
            made = [int(l.split()[-1]) for l in run.lines if l.startswith("in produce")]
            used = [int(l.split()[-1]) for l in run.lines if l.startswith("in consume")]
            f.holds(made, list(range(items)), f"{side} {kind}: produced in order")
            f.holds(used, list(range(items)), f"{side} {kind}: consumed in order")
            f.holds(run.lines[-1:], ["both done"], f"{side} {kind}: the last line")
            # Made but not yet used, as the lines show it: it climbs to the capacity (the slower consumer),
            # and never far past it (a put waits while the queue is full; a line is printed before its put
            # and after its get, so two more can show).
            ahead, most = 0, 0
            for line in run.lines:
                ahead += 1 if line.startswith("in produce") else -1 if line.startswith("in consume") else 0
                most = max(most, ahead)
            f.check(capacity - 1 <= most <= capacity + 2, f"{side} {kind}: {most} made ahead of use at most")


def check_queue_workers(sides, f):
    workers, messages = 3, 6
    for kind in ("process", "thread"):
        py, fs = both(sides, {"kind": kind, "workers": workers, "messages": messages, "work": 4,
                              "time-scale": 0.01})
        for side, run in (("python3", py), ("forkscope", fs)):
            taken = sorted(int(l.rsplit(" ", 1)[1]) for l in run.lines if l.startswith("Processed by worker "))
            f.holds(taken, list(range(1, messages + 1)), f"{side} {kind}: each message processed once")
            closing = sorted(l for l in run.lines if l.endswith(" closing"))
            f.holds(closing, [f"worker {i} closing" for i in range(workers)], f"{side} {kind}: each worker closes")
            f.holds(run.lines[-1:], ["all workers closed"], f"{side} {kind}: the last line")


def check_pipe(sides, f):
    for kind in ("process", "thread"):
        py, fs = both(sides, {"kind": kind, "delay": 0.5, "time-scale": 0.05})
        f.equal(py.lines, fs.lines, f"{kind}: printed lines, in order")
        f.holds(len(py.lines), 5, f"python3 {kind}: two messages each way and a close")


def check_pool_map(sides, f):
    for kind in ("process", "thread"):
        for n, chunk, workers in ((5, 1, 4), (12, 5, 2)):
            py, fs = both(sides, {"kind": kind, "n": n, "chunk": chunk, "workers": workers, "work": 0.5,
                                  "time-scale": 0.02})
            f.equal(py.lines, fs.lines, f"{kind} n {n} chunk {chunk}: printed lines")
            f.holds(py.lines[:1], [f"map(square) = {[x * x for x in range(1, n + 1)]}"], f"python3 {kind}: the squares in input order")


def completion_order(sleeps, workers):
    """The order a pool of `workers` finishes tasks handed out in submission order to the first free one."""
    free = [0.0] * workers
    ends = []
    for k, s in enumerate(sleeps):
        start = min(free)
        free[free.index(start)] = start + s
        ends.append((start + s, k))
    return [k for _, k in sorted(ends)]


def check_futures(sides, f):
    sleeps = [5, 2, 1, 3]
    for kind in ("process", "thread"):
        for workers in (2, 4, None):  # None: the default, one worker per usable core
            params = {"kind": kind, "time-scale": 0.1}  # a second apart becomes 0.1 s apart
            if workers:
                params["workers"] = workers
            py, fs = both(sides, params)
            f.equal(py.lines, fs.lines, f"{kind} workers {workers or 'default'}: printed lines, in order")
            order = completion_order(sleeps, workers or usable_cores())
            want = [f"done {i + 1}: future {k}, sleep({sleeps[k]}) returned {sleeps[k]}" for i, k in enumerate(order)]
            f.holds(py.lines[1:5], want, f"{kind} workers {workers or 'default'}: completion order")
    f.holds(completion_order(sleeps, 2), [1, 2, 0, 3], "two workers complete sleep(2), sleep(1), sleep(5), sleep(3)")


CHECKS = {
    "sleepers": check_sleepers,
    "no-join": check_no_join,
    "square-cube": check_square_cube,
    "process-table": check_process_table,
    "memory-isolation": check_memory_isolation,
    "shared-value": check_shared_value,
    "global-list": check_global_list,
    "shared-array": check_shared_array,
    "array-overflow": check_array_overflow,
    "bank": check_bank,
    "cpu-vs-io": check_cpu_vs_io,
    "producer-consumer": check_producer_consumer,
    "queue-workers": check_queue_workers,
    "pipe": check_pipe,
    "pool-map": check_pool_map,
    "futures": check_futures,
}


def check_coverage(cli, twins_dir, f):
    p = subprocess.run([cli, "list"], capture_output=True, text=True, timeout=TIMEOUT)
    ids = [line.split()[0] for line in p.stdout.splitlines() if line.strip()]
    f.holds(sorted(CHECKS), sorted(ids), "scenarios with a check")
    on_disk = sorted(name for name in os.listdir(twins_dir) if name.endswith(".py"))
    f.holds(sorted(twin_file(i) for i in ids), on_disk, "twins in " + twins_dir + " (<id>.py for each id)")
    for i in ids:
        with open(os.path.join(twins_dir, i + ".json"), encoding="utf-8") as scenario_file:
            named = json.load(scenario_file).get("python")
        f.holds(named, twin_file(i), f"the twin {i}.json names")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print the scenario ids, one a line (for CMake)")
    parser.add_argument("--cli", help="the forkscope executable")
    parser.add_argument("--twins", help="the folder of the Python twins")
    parser.add_argument("--coverage", action="store_true", help="check that every scenario has a twin")
    parser.add_argument("scenario", nargs="?", choices=sorted(CHECKS))
    args = parser.parse_args()
    if args.list:
        print("\n".join(CHECKS))
        return 0
    if not args.cli or not args.twins:
        parser.error("--cli and --twins are needed")
    f = Failures()
    try:
        if args.scenario == "process-table" and not have_psutil():
            raise Skip(f"{sys.executable} has no psutil (Debian: python3-psutil; scripts/common.sh installs it)")
        if args.coverage:
            check_coverage(args.cli, args.twins, f)
        elif args.scenario:
            sides = Sides(args.cli, args.twins, args.scenario)
            check_parameters(sides, f)
            CHECKS[args.scenario](sides, f)
        else:
            parser.error("name a scenario or --coverage")
    except Skip as why:
        f.skipped.append(str(why))
    except AssertionError as e:
        f.problems.append(str(e))
    for problem in f.problems:
        print(f"FAILED: {problem}")
    for why in f.skipped:
        print(f"SKIPPED: {why}")
    if f.problems:
        return 1
    if f.skipped:
        return SKIP
    print(f"{args.scenario or 'coverage'}: python3 and forkscope agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
