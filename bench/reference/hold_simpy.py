"""The hold model on SimPy 3: the SimPy reference for bench/hold.ts (see BENCHMARKS.md).

    /usr/bin/python3 hold_simpy.py [--style callbacks|processes] <pending> <warmup> <timed> <seed>

prints one JSON line. Two ways to write the model in SimPy:

- callbacks (the default, and the one compared): each entity's pending event is a Timeout with
  a callback appended, the closest equivalent of the kernel's callbacks. SimPy cannot cancel an
  event, so a cancelled Timeout stays scheduled and its callback ignores it through a
  per-entity generation counter.
- processes: each entity is a process waiting on a Timeout; a cancellation interrupts it and it
  waits anew. More usual SimPy, and slower.
"""

import argparse
import json
import random
import time

import simpy

CANCEL_PROBABILITY = 0.1


class Hold:
    def __init__(self, pending, seed):
        self.pending = pending
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.fired = 0
        self.cancelled = 0
        self.target = 0
        self.done = None

    def run(self, count):
        # Stops right after the count-th fired event: `done` is the next event processed.
        self.target = self.fired + count
        self.done = self.env.event()
        self.env.run(until=self.done)


def with_callbacks(hold):
    pending = hold.pending
    timeout = hold.env.timeout
    delay = hold.rng.expovariate
    unit = hold.rng.random
    generation = [0] * pending

    def fire(event):
        entity, entity_generation = event.value
        if entity_generation != generation[entity]:
            return  # cancelled
        hold.fired += 1
        timeout(delay(1.0), (entity, entity_generation)).callbacks.append(fire)
        if unit() < CANCEL_PROBABILITY:
            other = int(unit() * pending)
            generation[other] += 1
            hold.cancelled += 1
            timeout(delay(1.0), (other, generation[other])).callbacks.append(fire)
        if hold.fired == hold.target:
            hold.done.succeed()

    for entity in range(pending):
        timeout(delay(1.0), (entity, 0)).callbacks.append(fire)


def with_processes(hold):
    pending = hold.pending
    env = hold.env
    timeout = env.timeout
    delay = hold.rng.expovariate
    unit = hold.rng.random
    processes = []

    def entity(index):
        while True:
            try:
                yield timeout(delay(1.0))
            except simpy.Interrupt:
                continue  # cancelled: wait anew
            hold.fired += 1
            if unit() < CANCEL_PROBABILITY:
                other = int(unit() * pending)
                hold.cancelled += 1
                if other == index:
                    delay(1.0)  # a process cannot interrupt itself: the redrawn delay is the next
                else:
                    processes[other].interrupt()
            if hold.fired == hold.target:
                hold.done.succeed()

    for index in range(pending):
        processes.append(env.process(entity(index)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", choices=["callbacks", "processes"], default="callbacks")
    for name in ("pending", "warmup", "timed", "seed"):
        parser.add_argument(name, type=int)
    args = parser.parse_args()

    hold = Hold(args.pending, args.seed)
    (with_callbacks if args.style == "callbacks" else with_processes)(hold)
    hold.run(args.warmup)
    cancelled_before = hold.cancelled

    started = time.perf_counter()
    hold.run(args.timed)
    seconds = time.perf_counter() - started

    result = {
        "pending": args.pending,
        "warmup": args.warmup,
        "events": args.timed,
        "cancelled": hold.cancelled - cancelled_before,
        "seconds": seconds,
        "simTime": hold.env.now,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
