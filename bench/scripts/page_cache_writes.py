#!/usr/bin/env python3
"""What a buffered write costs on this machine, by where its page-cache pages come from (ADR 0015).

    python3 bench/scripts/page_cache_writes.py [--dir DIR] [--mb 400] [--burn-mb 1500] [--settle-s 10]

Prints one JSON line per case, each with the writer's wall-clock seconds per GB:
- "none" / "read" / "zeros": --mb MB written in 64 KB chunks into a file grown sparsely, after nothing, after
  the range was read once (pages of zeros created by the read), or after it was written with zeros. Before
  each case the script waits --settle-s seconds (a guest reports freed memory to its host after a delay) and
  writes --burn-mb MB to another file, so that the case gets memory not recently freed.
- "per-gb" (last): 6 GB written into one new file, GB by GB. On a guest that hands freed memory back to its host
  the later GBs, written into pages never touched before, cost far more than the first.
Files are written in --dir (default: the current directory) and deleted.
"""
import argparse
import json
import os
import time

CHUNK = 64 * 1024
MB = 1024 * 1024


def write(fd, start, megabytes, payload):
    began = time.perf_counter()
    for i in range(megabytes * MB // CHUNK):
        os.pwrite(fd, payload, start + i * CHUNK)
    return time.perf_counter() - began


def per_gb(directory, payload):
    path = os.path.join(directory, "page-cache-per-gb.tmp")
    fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC)
    try:
        seconds = [round(write(fd, gb * 1024 * MB, 1024, payload), 3) for gb in range(6)]
    finally:
        os.close(fd)
        os.unlink(path)
    print(json.dumps({"case": "per-gb", "seconds_per_gb": seconds}))


def prepared(directory, mode, megabytes, burn_megabytes, settle_seconds, payload):
    time.sleep(settle_seconds)
    burn_path = os.path.join(directory, "page-cache-burn.tmp")
    path = os.path.join(directory, "page-cache-case.tmp")
    burn = os.open(burn_path, os.O_CREAT | os.O_RDWR | os.O_TRUNC)
    fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC)
    try:
        write(burn, 0, burn_megabytes, payload)
        os.ftruncate(fd, 2 * megabytes * MB)
        began = time.perf_counter()
        if mode == "read":
            for at in range(0, megabytes * MB, MB):
                os.pread(fd, MB, at)
        elif mode == "zeros":
            zeros = bytes(MB)
            for at in range(0, megabytes * MB, MB):
                os.pwrite(fd, zeros, at)
        preparing = time.perf_counter() - began
        writing = write(fd, 0, megabytes, payload)
    finally:
        os.close(burn)
        os.close(fd)
        os.unlink(burn_path)
        os.unlink(path)
    gb = megabytes / 1024
    print(json.dumps({"case": mode, "mb": megabytes, "prepare_s_per_gb": round(preparing / gb, 3),
                      "write_s_per_gb": round(writing / gb, 3)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=".")
    parser.add_argument("--mb", type=int, default=400)
    parser.add_argument("--burn-mb", type=int, default=1500)
    parser.add_argument("--settle-s", type=float, default=10)
    args = parser.parse_args()
    payload = os.urandom(CHUNK)
    # the 6 GB freed by per_gb would make the next case's memory recently freed: it runs last
    for mode in ("none", "read", "zeros"):
        prepared(args.dir, mode, args.mb, args.burn_mb, args.settle_s, payload)
    per_gb(args.dir, payload)


if __name__ == "__main__":
    main()
