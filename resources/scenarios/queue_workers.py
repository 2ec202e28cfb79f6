# Three workers share one Queue: whoever is free takes the next message, until it gets "close".
import multiprocessing
import random
import time

WORKERS = 3
MESSAGES = 6


def worker(name, queue):
    while True:
        message = queue.get()
        if message == "close":
            break
        time.sleep(random.uniform(0, 4))   # some messages take longer than others
        print(f"Processed by {name}: {message}")
    print(f"{name} closing")


if __name__ == "__main__":
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(f"worker {i}", queue)) for i in range(WORKERS)]
    for w in workers:
        w.start()
    for m in range(1, MESSAGES + 1):
        queue.put(f"message {m}")
    for _ in workers:
        queue.put("close")                 # one per worker: each stops at the first it takes
    for w in workers:
        w.join()
    print("all workers closed")
