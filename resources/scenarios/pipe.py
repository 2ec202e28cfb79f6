# A Pipe has two ends: main keeps one, the worker gets the other. Messages go both ways.
import argparse
import multiprocessing
import threading
import time


def worker(conn, delay):
    while True:
        message = conn.recv()           # waits for main
        if message == "close":
            break
        print(f"Worker received message: {message}")
        time.sleep(delay)               # think about it
        conn.send(f"Processed: {message}")
    print("Worker closing")


def main(args):
    parent_end, child_end = multiprocessing.Pipe()
    make = threading.Thread if args.kind == "thread" else multiprocessing.Process
    w = make(target=worker, args=(child_end, args.delay * args.time_scale))
    w.start()
    for message in ["hello", "world"]:
        parent_end.send(message)
        print(f"Parent received response: {parent_end.recv()}")    # waits for the answer
    parent_end.send("close")
    w.join()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="hello, world and close through a Pipe")
    parser.add_argument("--kind", choices=["thread", "process"], default="process")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds the worker takes to answer")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every duration")
    main(parser.parse_args())
