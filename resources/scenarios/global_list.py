# A global list: the worker fills it, main looks at it after join.
import multiprocessing

square_result = []


def squares(numbers):
    print("computing squares")
    for x in numbers:
        square_result.append(x * x)     # this process's own list (a thread's would be the shared one)
        print(f"square: {x * x}")
    print(f"inside the worker the list holds {len(square_result)} items")


if __name__ == "__main__":
    worker = multiprocessing.Process(target=squares, args=([2, 3, 4, 5],))
    worker.start()
    worker.join()
    print(f"main's list holds {len(square_result)} items")   # 0: the child filled a copy
