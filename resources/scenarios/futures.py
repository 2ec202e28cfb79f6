# Futures: tasks that sleep 5, 2, 1 and 3 seconds, submitted to a pool; each reported as it completes.
import argparse
import concurrent.futures
import os
import time


def sleep(seconds, time_scale):
    time.sleep(seconds * time_scale)
    return seconds


def main(args):
    inputs = [5, 2, 1, 3]
    if args.kind == "thread":
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.workers)
    else:
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=args.workers)
    with pool as executor:
        futures = [executor.submit(sleep, s, args.time_scale) for s in inputs]
        print(f"submitted {len(futures)} tasks: sleep of {inputs}")
        for n, future in enumerate(concurrent.futures.as_completed(futures), 1):
            k = futures.index(future)
            print(f"done {n}: future {k}, sleep({inputs[k]}) returned {future.result()}")
        # With 4 workers they complete shortest first: 1, 2, 3, 5. With 2, a task waits for a free
        # worker: 5 and 2 start, 1 follows 2, 3 follows 1, so they complete 2, 1, 5, 3.
        print(f"results in submission order: {[f.result() for f in futures]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="submit sleeps of 5, 2, 1 and 3 s to a pool")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    # ProcessPoolExecutor() alone has os.cpu_count() workers. The cores this process may use (its
    # affinity, which taskset and containers narrow) is what Forkscope counts; Python 3.13 calls it
    # os.process_cpu_count().
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="processes (or threads) in the executor")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
