# The bank: a deposit teller and a withdraw teller update one balance, with or without a lock.
import argparse
import multiprocessing
import threading
import time

START = 100


def teller(balance, lock, delta, updates, think, nap):
    for _ in range(updates):
        if lock:
            lock.acquire()
        current = balance.value         # read ...
        if think:
            time.sleep(think)           # ... think (the race window) ...
        balance.value = current + delta     # ... write: an update the other made meanwhile is lost
        if lock:
            lock.release()
        if nap:
            time.sleep(nap)


def shape(args):
    """What one run does: updates each, think and nap in seconds."""
    if args.tight == "on":
        return args.updates, 0, 0       # as fast as the cores go
    if args.trials > 1 and args.trial_shape == "race":
        return 100, 20e-6, 20e-6        # short and racy trials; not time-scaled
    return args.updates, args.think * args.time_scale, args.sleep * args.time_scale


def run_once(args):
    if args.kind == "thread":
        make, new_lock = threading.Thread, threading.Lock
    else:
        make, new_lock = multiprocessing.Process, multiprocessing.Lock
    # The Value's own lock guards each read and each write, not the gap between them.
    balance = multiprocessing.Value("i", START)
    lock = new_lock() if args.lock == "on" else None
    tellers = [make(target=teller, args=(balance, lock, delta, *shape(args))) for delta in (+1, -1)]
    for t in tellers:
        t.start()
    for t in tellers:
        t.join()
    return balance.value


def main(args):
    if args.trials == 1:
        print(f"final balance {run_once(args)} (expected {START})")
        return
    wrong = 0
    for trial in range(1, args.trials + 1):
        final = run_once(args)
        wrong += final != START
        print(f"trial {trial:4d}   final {final}{'   wrong' if final != START else ''}")
    print(f"{wrong} of {args.trials} trials ended wrong (expected {START})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="deposit +1 and withdraw -1 on one shared balance")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--lock", choices=["on", "off"], default="off")
    parser.add_argument("--updates", type=int, default=500, help="deposits and withdrawals, each")
    parser.add_argument("--think", type=float, default=0.0005, help="seconds between read and write")
    parser.add_argument("--sleep", type=float, default=0.002, help="seconds after each update")
    parser.add_argument("--tight", choices=["on", "off"], default="off", help="no think, no sleep")
    parser.add_argument("--trials", type=int, default=100, help="runs, counting wrong balances")
    parser.add_argument("--trial-shape", choices=["race", "same"], default="race",
                        help="race: 100 updates, 20 us think and sleep; same: the settings above")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
