# The bug: four squares into an Array made for three.
import argparse
import multiprocessing


def squares(numbers, result):
    print(f"computing squares of {numbers}")
    for i, x in enumerate(numbers):
        result[i] = x * x               # 4, 9 and 16 are stored; result[3] raises IndexError
    print("stored all four squares")    # never printed: the child died with exit code 1


def main(args):
    result = multiprocessing.Array("i", 3)
    child = multiprocessing.Process(target=squares, args=([2, 3, 4, 5], result))
    child.start()
    child.join()                        # child.exitcode is 1
    for i in range(3):
        print(f"main reads result[{i}] = {result[i]}")     # what the child stored before it failed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a child stores four squares into an Array of three")
    parser.add_argument("--time-scale", type=float, default=1.0, help="no durations here: nothing to scale")
    main(parser.parse_args())
