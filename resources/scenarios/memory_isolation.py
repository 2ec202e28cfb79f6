# Memory isolation: each process doubles its own copy of a global; threads share one.
import multiprocessing
import threading
import time

a = 1


def double_it(name):
    global a
    print(f"{name} received {a}")
    a += a                      # read a, then write a + a: in a process, only this process's copy
    time.sleep(2)
    print(f"{name} changed it to {a}")


if __name__ == "__main__":
    workers = [multiprocessing.Process(target=double_it, args=(f"worker {i}",)) for i in range(1, 11)]
    # with threading.Thread instead, all ten share `a`: 1, 2, 4, ... 512, and every one ends seeing 1024
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"main reached its end and has a = {a}")   # 1 with processes: nobody touched main's copy
