"""Helpers shared by the side-by-side Python scripts (python_peer.py, bank_python.py)."""

import os
import statistics
import subprocess
import sys


def stats(values):
    """median, p90 (nearest rank, as the C++ benchmarks compute it), min and max."""
    ordered = sorted(values)
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 n)
    return {'median': statistics.median(ordered), 'p90': ordered[rank - 1], 'min': ordered[0], 'max': ordered[-1]}


def share(total, block, blocks):
    """How many of `total` runs block number `block` of `blocks` does."""
    return total // blocks + (1 if block < total % blocks else 0)


def loadavg():
    try:
        with open('/proc/loadavg') as f:
            return ' '.join(f.read().split()[:3])
    except OSError:
        return '?'


def run_checked(cmd, **kw):
    """Runs cmd; exits this script with its output if it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        name = os.path.basename(sys.argv[0])
        sys.exit(f'{name}: {" ".join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}')
    return done
