# Pool.map: four worker processes square the numbers 1..N; the results come back in input order.
import multiprocessing
import time

N = 5
CHUNK = 1


def square(x):
    end = time.perf_counter() + 0.5
    while time.perf_counter() < end:       # stand-in for real work
        pass
    return x * x


if __name__ == "__main__":
    with multiprocessing.Pool(processes=4) as pool:
        results = pool.map(square, range(1, N + 1), chunksize=CHUNK)
    print(f"map(square) = {results}")
    print(f"sum of the squares: {sum(results)}")
