# The bank: one balance, a deposit worker and a withdraw worker, with or without a lock.
import multiprocessing
import time

UPDATES = 500


def teller(balance, lock, delta, use_lock):
    for _ in range(UPDATES):
        if use_lock:
            lock.acquire()
        current = balance.value        # read ...
        time.sleep(0.0005)             # ... think (the race window) ...
        balance.value = current + delta  # ... write: a deposit or withdrawal made meanwhile is lost
        if use_lock:
            lock.release()
        time.sleep(0.002)


if __name__ == "__main__":
    balance = multiprocessing.Value("q", 100, lock=False)
    lock = multiprocessing.Lock()
    use_lock = False
    tellers = [multiprocessing.Process(target=teller, args=(balance, lock, d, use_lock)) for d in (+1, -1)]
    for t in tellers:
        t.start()
    for t in tellers:
        t.join()
    print(f"final balance {balance.value} (expected 100)")
