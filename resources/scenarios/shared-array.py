# A shared Array: the children and main write into the same memory and see each other's values.
import argparse
import multiprocessing
import time


def writer(k, arr, seconds):
    arr[k] = 10 * k
    print(f"writer {k} wrote {10 * k}")
    time.sleep(seconds)
    print(f"writer {k} now sees arr[0] = {arr[0]}")     # main wrote it while this one slept


def main(args):
    seconds = args.sleep * args.time_scale
    arr = multiprocessing.Array("i", 3, lock=False)
    workers = [multiprocessing.Process(target=writer, args=(k, arr, seconds)) for k in (1, 2)]
    for w in workers:
        w.start()
    time.sleep(seconds / 2)
    arr[0] = 99
    print("main wrote 99 into arr[0]")
    for w in workers:
        w.join()
    print(f"main sees arr[1] = {arr[1]}")
    print(f"main sees arr[2] = {arr[2]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="children and main write one shared Array")
    parser.add_argument("--sleep", type=float, default=1.0, help="seconds each child sleeps (main: half)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
