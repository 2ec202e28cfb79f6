# Square and cube: two processes working through the same list side by side.
import multiprocessing
import time

NUMBERS = [2, 3, 4, 5]


def squares(numbers):
    print("computing squares")
    for x in numbers:
        time.sleep(5)
        print(f"square of {x} is {x * x}")


def cubes(numbers):
    print("computing cubes")
    for x in numbers:
        time.sleep(5)
        print(f"cube of {x} is {x * x * x}")


if __name__ == "__main__":
    jobs = [multiprocessing.Process(target=f, args=(NUMBERS,)) for f in (squares, cubes)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    print("done")                  # after about 4 * 5 s, not 8 * 5 s
