# No join: the main program reaches its last line while its workers still sleep.
import multiprocessing
import time


def sleeper(index):
    print(f"worker {index} going to sleep for 1 s")
    time.sleep(1)
    print(f"worker {index} woke up, bye")


if __name__ == "__main__":
    tic = time.monotonic()
    workers = [multiprocessing.Process(target=sleeper, args=(i,)) for i in (1, 2)]
    for w in workers:
        w.start()
    # Without these two lines main prints at once, then Python waits for the children at exit.
    # for w in workers:
    #     w.join()
    print(f"main reached its end after {time.monotonic() - tic:.4f} s")
