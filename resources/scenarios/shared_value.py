# A shared Value: the doubling again, but through shared memory every process can see.
import multiprocessing
import time


def double_it(name, a):
    value = a.value             # one read ...
    print(f"{name} received {value}")
    a.value = value * 2         # ... and a separate write: another process may have written in between
    time.sleep(2)
    print(f"{name} changed it to {a.value}")


if __name__ == "__main__":
    a = multiprocessing.Value("q", 1, lock=False)
    workers = [multiprocessing.Process(target=double_it, args=(f"worker {i}", a)) for i in range(1, 11)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"main reached its end and has a = {a.value}")
