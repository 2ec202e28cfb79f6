# A Pipe has two ends: main keeps one, the worker gets the other. Messages go both ways.
import multiprocessing
import time


def worker(conn):
    while True:
        message = conn.recv()              # waits for main
        if message == "close":
            break
        print(f"Worker received message: {message}")
        time.sleep(0.5)                    # think about it
        conn.send(f"Processed: {message}")
    print("Worker closing")


if __name__ == "__main__":
    parent_end, child_end = multiprocessing.Pipe()
    process = multiprocessing.Process(target=worker, args=(child_end,))
    process.start()
    for message in ["hello", "world", "close"]:
        parent_end.send(message)
        if message != "close":
            print(f"Parent received response: {parent_end.recv()}")
    process.join()
