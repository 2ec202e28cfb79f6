# The bug: four squares into an Array made for three.
import multiprocessing


def squares(numbers, result):
    print(f"computing squares of {numbers}")
    result[:] = [x * x for x in numbers]   # four values, three slots: the child fails here
    print("stored all four squares")       # never printed


if __name__ == "__main__":
    result = multiprocessing.Array("q", 3)
    child = multiprocessing.Process(target=squares, args=([2, 3, 4, 5], result))
    child.start()
    child.join()                           # child.exitcode is 1: it died of the error
    for i in range(3):
        print(f"main reads result[{i}] = {result[i]}")   # zeros: nothing was stored
