# Futures: four tasks that sleep 5, 2, 1 and 3 seconds, submitted to a pool of processes.
import concurrent.futures
import time


def sleep(seconds):
    time.sleep(seconds)
    return seconds


if __name__ == "__main__":
    inputs = [5, 2, 1, 3]
    with concurrent.futures.ProcessPoolExecutor(max_workers=4) as executor:
        futures = [executor.submit(sleep, s) for s in inputs]
        print(f"submitted {len(futures)} tasks: sleep of {inputs}")
        for n, future in enumerate(concurrent.futures.as_completed(futures), 1):
            print(f"done {n}: future {futures.index(future)}, sleep({inputs[futures.index(future)]}) "
                  f"returned {future.result()}")
    # Waiting for all took about 5 s, the longest sleep, not 11 s.
    print(f"results in submission order: {[f.result() for f in futures]}")
