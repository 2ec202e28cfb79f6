# Producer and consumer: numbers travel from one process to another through a bounded Queue.
import multiprocessing
import time

ITEMS = 100


def produce(queue):
    for i in range(ITEMS):
        time.sleep(0.02)               # making the next item takes a moment
        print("in produce", i)
        queue.put(i)                   # blocks while the queue holds 10 items


def consume(queue):
    for _ in range(ITEMS):
        item = queue.get()             # blocks while the queue is empty
        print("in consume", item)
        time.sleep(0.05)               # the consumer is the slower side


if __name__ == "__main__":
    queue = multiprocessing.Queue(10)  # room for 10 items, then put() waits
    consumer = multiprocessing.Process(name="consumer", target=consume, args=(queue,))
    producer = multiprocessing.Process(name="producer", target=produce, args=(queue,))
    consumer.start()
    producer.start()
    consumer.join()
    producer.join()
    print("both done")
