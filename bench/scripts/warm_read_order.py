#!/usr/bin/env python3
"""How long each of the page-cache warmer's reads takes, reading a range up or down (ADR 0015, addition of 15:10).

    python3 bench/scripts/warm_read_order.py [--dir DIR] [--mb 200] [--rounds 2]

Plays the log's writes and the warmer's reads as the node does them: 64 KB batches appended to a file; when fewer
than 2 MB are left before the end of the file, one zero byte written at end + 4 MB - 1 (the rest is a hole) and the
new range read 64 KB at a time through a file descriptor of its own, either from its start up ("up", how the warmer
read before) or from its end down ("down"). Prints one JSON line per case and round with the reads' and the
writes' median, p99, p99.9 and largest time in microseconds and their totals in milliseconds.

Read up, the first read of a range finds the pages just below it cached, the kernel takes it for a sequential reader
and reads ahead to the end of the file in that one system call. Read down, every read fills only its own pages. The
totals, and the writes that follow, are the same. The file is written in --dir (default: the current directory) and
deleted.
"""
import argparse
import json
import os
import time

CHUNK = 64 * 1024
MB = 1024 * 1024
AHEAD = 4 * MB


def warm(path, start, end, order):
    """Reads [start, end) in CHUNK steps, up or down; returns each read's nanoseconds."""
    times = []
    fd = os.open(path, os.O_RDONLY)
    try:
        if order == "up":
            pieces = [(at, min(CHUNK, end - at)) for at in range(start, end, CHUNK)]
        else:
            pieces, top = [], end
            while top > start:
                at = max(start, (top - 1) // CHUNK * CHUNK)
                pieces.append((at, top - at))
                top = at
        for at, size in pieces:
            began = time.perf_counter_ns()
            os.pread(fd, size, at)
            times.append(time.perf_counter_ns() - began)
    finally:
        os.close(fd)
    return times


def run(path, order, megabytes):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    batch = os.urandom(CHUNK)
    end = warmed_end = 0
    reads, writes = [], []
    try:
        while end < megabytes * MB:
            began = time.perf_counter_ns()
            os.pwrite(fd, batch, end)
            writes.append(time.perf_counter_ns() - began)
            end += CHUNK
            if end + AHEAD // 2 > warmed_end:
                to = end + AHEAD
                os.pwrite(fd, b"\0", to - 1)
                reads += warm(path, max(warmed_end, end), to, order)
                warmed_end = to
    finally:
        os.close(fd)
        os.unlink(path)
    return reads, writes


def figures(nanos):
    nanos = sorted(nanos)
    at = lambda q: round(nanos[min(len(nanos) - 1, int(len(nanos) * q))] / 1000)
    return {"count": len(nanos), "p50_us": at(0.5), "p99_us": at(0.99), "p999_us": at(0.999),
            "max_us": round(nanos[-1] / 1000), "total_ms": round(sum(nanos) / 1e6, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=".")
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    path = os.path.join(args.dir, "warm-read-order.bin")
    for round_ in range(args.rounds):
        for order in ("up", "down"):
            reads, writes = run(path, order, args.mb)
            print(json.dumps({"order": order, "round": round_ + 1, "reads": figures(reads),
                              "writes": figures(writes)}), flush=True)


if __name__ == "__main__":
    main()
