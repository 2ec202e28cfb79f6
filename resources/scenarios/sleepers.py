# Sleepers: the same nap taken one after another, or all at once.
import multiprocessing
import threading
import time

N, T = 10, 2.0


def nap(index):
    print(f"worker {index} at {time.time():.7f}: going to sleep for {T:g} s")
    time.sleep(T)
    print(f"worker {index} woke up, bye")


def sequential():
    for i in range(1, N + 1):
        nap(i)                      # each call waits for the previous one: about N * T


def concurrent(make):
    workers = [make(target=nap, args=(i,)) for i in range(1, N + 1)]
    for w in workers:
        w.start()                   # all of them begin now
    for w in workers:
        w.join()                    # main waits here: about T in all


if __name__ == "__main__":
    tic = time.monotonic()
    concurrent(multiprocessing.Process)   # kind=process; threading.Thread for kind=thread
    print(f"main reached its end after {time.monotonic() - tic:.4f} s")
