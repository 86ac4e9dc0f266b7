#!/usr/bin/env python3
"""bench_io.py - the small I/O loops of tests/bench/run.sh (stdlib only).

    bench_io.py randread FILE COUNT [SEED]   COUNT preads of 4 KiB at random
                                             4 KiB-aligned offsets; prints
                                             "<seconds> <reads/s>"
    bench_io.py ttfb LISTFILE                open, read(4096), close for every
                                             path in LISTFILE (one a line);
                                             prints "<seconds> <mean us/file>"
    bench_io.py manifests SPOOL AUDIO COUNT  COUNT manifests naming copies of
                                             AUDIO (the ~1 MB ingest set)

Timings are taken with time.perf_counter() around the loop only (opening the
big file and reading the list are outside it).  A failed read is an error:
a benchmark that reads nothing must not look fast.
"""
import datetime as dt
import json
import os
import random
import shutil
import sys
import time


def randread(path, count, seed):
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        pages = size // 4096
        if pages < 1:
            sys.exit("bench_io: %s is smaller than 4 KiB" % path)
        rng = random.Random(seed)
        offs = [rng.randrange(pages) * 4096 for _ in range(count)]
        t0 = time.perf_counter()
        for off in offs:
            if len(os.pread(fd, 4096, off)) != 4096:
                sys.exit("bench_io: short read at %d" % off)
        dt_s = time.perf_counter() - t0
    finally:
        os.close(fd)
    print("%.6f %.1f" % (dt_s, count / dt_s))


def ttfb(listfile):
    with open(listfile) as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    if not paths:
        sys.exit("bench_io: empty file list")
    t0 = time.perf_counter()
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            if not os.read(fd, 4096):
                sys.exit("bench_io: %s read nothing" % p)
        finally:
            os.close(fd)
    dt_s = time.perf_counter() - t0
    print("%.6f %.1f" % (dt_s, dt_s / len(paths) * 1e6))


def manifests(spool, audio, count):
    """COUNT recordings X.opus + X.json, X.json written last (DESIGN.md)."""
    os.makedirs(spool, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for i in range(count):
        stem = "ing%04d" % (i + 1)
        shutil.copyfile(audio, os.path.join(spool, stem + ".opus"))
        when = now - dt.timedelta(days=1, minutes=7 * i)
        m = {"recorded_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "source": "customer-service",
             "title": "Ingest benchmark %d" % (i + 1),
             "staff": [{"name": "Maija Virtanen", "id": "mvirtanen"}],
             "subjects": [{"role": "customer", "name": "Bench Customer %d" % (i % 20),
                           "phone": "+35840%07d" % (1000 + i % 20),
                           "email": "bench%d@example.fi" % (i % 20),
                           "organisation": "Apteekki Bench", "ref": "CRM-%05d" % (i % 20)}],
             "audio": stem + ".opus"}
        tmp = os.path.join(spool, stem + ".json.part")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(m, f, ensure_ascii=False, indent=1)
        os.rename(tmp, os.path.join(spool, stem + ".json"))


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "randread":
        randread(a[1], int(a[2]), int(a[3]) if len(a) > 3 else 1)
    elif len(a) == 2 and a[0] == "ttfb":
        ttfb(a[1])
    elif len(a) == 4 and a[0] == "manifests":
        manifests(a[1], a[2], int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
