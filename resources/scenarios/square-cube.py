# Square and cube: two workers going through the same list side by side.
import argparse
import multiprocessing
import threading
import time

NUMBERS = [2, 3, 4, 5]


def squares(numbers, seconds):
    print("computing squares")
    for x in numbers:
        time.sleep(seconds)
        print(f"square of {x} is {x * x}")


def cubes(numbers, seconds):
    print("computing cubes")
    for x in numbers:
        time.sleep(seconds)
        print(f"cube of {x} is {x * x * x}")


def main(args):
    seconds = args.sleep * args.time_scale
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    jobs = [make(target=f, args=(NUMBERS, seconds)) for f in (squares, cubes)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    print("done")                       # after about 4 sleeps, not 8


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="squares and cubes in two workers at once")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--sleep", type=float, default=5.0, help="seconds before each number")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
