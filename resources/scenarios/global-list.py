# A global list: the worker fills it, main looks at it after join.
import argparse
import multiprocessing
import threading

square_result = []


def squares(numbers):
    print("computing squares")
    for x in numbers:
        square_result.append(x * x)     # a process appends to its own copy; a thread to the one list
        print(f"square: {x * x}")
    print(f"inside the worker the list holds {len(square_result)} items")


def main(args):
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    worker = make(target=squares, args=([2, 3, 4, 5],))
    worker.start()
    worker.join()
    print(f"main's list holds {len(square_result)} items")     # process: 0, the child filled a copy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a worker appends squares to a global list")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--time-scale", type=float, default=1.0, help="no durations here: nothing to scale")
    main(parser.parse_args())
