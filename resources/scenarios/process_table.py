# The process table: list the program's processes before, during and after two workers run.
import multiprocessing
import os
import time

import psutil  # pip install psutil


def show_processes(title):
    print(title)
    me = psutil.Process(os.getpid())
    for proc in [me] + me.children():
        print(f"  pid {proc.pid}  ppid {proc.ppid()}  {proc.name()}  {proc.status()}")


def raise_to(numbers, power):
    time.sleep(5)
    for n in numbers:
        print(f"{n}^{power} = {n ** power}")


if __name__ == "__main__":
    numbers = [1, 2, 3, 4, 5, 6, 7]
    start = time.time()
    workers = [multiprocessing.Process(target=raise_to, args=(numbers, p), name=f"raise-to-{p}") for p in (2, 3)]
    show_processes("processes before we start our workers")
    for w in workers:
        w.start()
    show_processes("processes after we start our workers")
    for w in workers:
        w.join()
    show_processes("processes after our workers ended")
    print(f"time taken {time.time() - start:.2f} s")
