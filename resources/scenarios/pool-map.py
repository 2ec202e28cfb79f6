# Pool.map: a pool of workers squares the numbers 1..n; the results come back in input order.
import argparse
import functools
import multiprocessing
import multiprocessing.pool
import time


def square(x, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:    # stand-in for real work
        pass
    return x * x


def main(args):
    make = multiprocessing.pool.ThreadPool if args.kind == "thread" else multiprocessing.Pool
    work = functools.partial(square, seconds=args.work * args.time_scale)
    with make(processes=args.workers) as pool:
        results = pool.map(work, range(1, args.n + 1), chunksize=args.chunk)
    print(f"map(square) = {results}")
    print(f"sum of the squares: {sum(results)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a pool maps x * x over 1..n")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--workers", type=int, default=4, help="processes (or threads) in the pool")
    parser.add_argument("--n", type=int, default=5, help="map over 1..n")
    parser.add_argument("--chunk", type=int, default=1, help="items per task (chunksize)")
    parser.add_argument("--work", type=float, default=0.5, help="seconds of computation per item")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
