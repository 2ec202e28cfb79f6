# A shared Array: children and main write into the same memory and see each other's values.
import multiprocessing
import time


def writer(k, arr):
    arr[k] = 10 * k
    print(f"writer {k} wrote {10 * k}")
    time.sleep(1)
    print(f"writer {k} now sees arr[0] = {arr[0]}")     # main wrote it while this one slept


if __name__ == "__main__":
    arr = multiprocessing.Array("q", 3, lock=False)
    workers = [multiprocessing.Process(target=writer, args=(k, arr)) for k in (1, 2)]
    for w in workers:
        w.start()
    time.sleep(0.5)
    arr[0] = 99
    print("main wrote 99 into arr[0]")
    for w in workers:
        w.join()
    print(f"main sees arr[1] = {arr[1]}")
    print(f"main sees arr[2] = {arr[2]}")
