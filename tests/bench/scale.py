#!/usr/bin/env python3
"""scale.py - the data and the live-ingest loop of tests/bench/scale.sh
(stdlib only).

    scale.py spool SPOOL AUDIO COUNT [--per-day N] [--seed S]
        COUNT manifests in SPOOL/dNNN/ (one folder per day, N a day, default
        10000), all naming one copy of AUDIO in their folder (ingest reads
        the audio and leaves it in place, so one tiny file serves the whole
        folder).  The days end yesterday; the calls of a day are spread from
        07:00 to 19:00 UTC.  Every 100th recording (1 %) is dated 400 days
        earlier than its slot: its retention (quality, 12 months) has passed
        when it is ingested, so `recctl retention sweep` erases exactly those.
        Sources and purposes are those of packaging/examples/tamro.conf: 95 %
        customer-service calls (quality, 5 % of them training), 5 % meetings.
        The customers come from a pool of COUNT/5 (each calls about five
        times), matched by phone, e-mail and reference.  Prints the number of
        manifests, of folders and of expired recordings.

    scale.py live SPOOL AUDIO COUNT RATE MNT -- RECCTL-ARGV... -- WATCH-ARGV...
        (as root) COUNT manifests recorded now (customer-service calls), each
        ingested by a `RECCTL-ARGV... --json MANIFEST` call of its own, RATE
        calls a second on a fixed schedule (a call that takes longer than
        1/RATE overlaps the next).  WATCH-ARGV runs `scale.py watch` as a
        level user: it is given the mount path of each recording as soon as
        its ingest call returned (the catalog has committed it by then) and
        answers when a stat(2) of that path first succeeds.  Prints one line
        per recording, "<ingest call s> <visible after return s>" (a
        negative second field: not visible within 30 s), then one summary
        line "n <N> median <s> max <s> p90 <s> ingest_median <s> ingest_max
        <s> lost <N>".

    scale.py watch
        Reads "<index> <path>" lines; polls every pending path with stat(2)
        every 5 ms; writes "<index> <monotonic time>" when it appears, or
        "<index> -1" after 30 s.  Ends when its input is closed and nothing
        is pending.

The same COUNT and seed give the same manifests except for the dates, which
follow the day it is run.
"""
import argparse
import datetime as dt
import json
import os
import random
import select
import shutil
import statistics
import subprocess
import sys
import threading
import time

FIRST = ["Matti", "Maija", "Äijö", "Åsa", "Jyrki", "Päivi", "Sören", "Tiina", "Väinö", "Kaisa",
         "Örjan", "Hannele", "Pekka", "Sanna", "Mikko", "Elina", "Björn", "Liisa", "Antti", "Ville"]
LAST = ["Meikäläinen", "Öberg", "Virtanen", "Mäkinen", "Hämäläinen", "Järvinen", "Lindström",
        "Kärkkäinen", "Nieminen", "Ström", "Väisänen", "Åkerlund", "Heikkilä", "Koskinen"]
ORGS = ["Apteekki Kämp", "Yliopiston Apteekki", "Malmin Apteekki", "Vaasan Hjärta Apotek",
        "Töölön Apteekki", "HUS Apteekki", "Tampereen Keskusapteekki", "Oulun Pohjois-Apteekki"]
MEETING_SOURCES = ["customer-meetings", "internal-meetings", "internal-briefings"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def customer(rng, k):
    return {"role": "customer",
            "name": "%s %s" % (FIRST[k % len(FIRST)], LAST[(k // len(FIRST)) % len(LAST)]),
            "phone": "+35840%07d" % k, "email": "c%d@example.fi" % k,
            "organisation": ORGS[k % len(ORGS)], "ref": "CRM-%07d" % k}


def manifest(rng, i, when, pool, audio):
    k = rng.randrange(pool)
    staff = rng.randrange(300)
    m = {"recorded_at": iso(when), "title": "Call %d" % (i + 1),
         "staff": [{"name": "Agent %d" % staff, "id": "agent%03d" % staff}],
         "subjects": [customer(rng, k)], "audio": audio}
    r = rng.random()
    if i % 100 == 50:
        m["source"] = "customer-service"		# quality, 12 months: expired
    elif r < 0.05:
        m["source"] = MEETING_SOURCES[i % len(MEETING_SOURCES)]
        m["subjects"].append(customer(rng, rng.randrange(pool)))
    else:
        m["source"] = "customer-service"
        if r < 0.10:
            m["purpose"], m["legal_basis"] = "training", "legitimate_interests"
    return m


def write(path, m):
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(m, f, ensure_ascii=False)
    os.rename(tmp, path)


def spool(a):
    rng = random.Random(a.seed)
    per_day = a.per_day
    days = (a.count + per_day - 1) // per_day
    pool = max(a.count // 5, 1)
    today = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - dt.timedelta(days=days)
    expired = 0
    for d in range(days):
        n = min(per_day, a.count - d * per_day)
        folder = os.path.join(a.spool, "d%03d" % d)
        os.makedirs(folder, exist_ok=True)
        shutil.copyfile(a.audio, os.path.join(folder, "a.opus"))
        day = first_day + dt.timedelta(days=d, hours=7)
        step = 12 * 3600.0 / n
        for j in range(n):
            i = d * per_day + j
            when = day + dt.timedelta(seconds=int(j * step))
            if i % 100 == 50:
                when -= dt.timedelta(days=400)
                expired += 1
            write(os.path.join(folder, "m%07d.json" % i), manifest(rng, i, when, pool, "a.opus"))
    print("%d %d %d" % (a.count, days, expired))


def live(a, argv):
    """The live ingest; argv is everything after "live" (see the top)."""
    if len(argv) < 7 or argv[5] != "--" or "--" not in argv[6:]:
        sys.exit(__doc__)
    spool_dir, audio, count, rate, mnt = argv[0], argv[1], int(argv[2]), float(argv[3]), argv[4]
    rest = argv[6:]
    cut = rest.index("--")
    recctl, watch = rest[:cut], rest[cut + 1:]
    os.makedirs(spool_dir, exist_ok=True)
    items = []
    # One second apart, ending a second ago: every manifest names the same
    # tiny audio and source, and the same recorded_at too would make each
    # one after the first a duplicate of it (recctl(1)), never a new file.
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    def put(k, when):
        """Write live manifest k (and its audio) recorded at when."""
        stem = "live%d-%05d" % (os.getpid(), k)
        shutil.copyfile(audio, os.path.join(spool_dir, stem + ".opus"))
        m = manifest(random.Random("%d-%d" % (os.getpid(), k)), k, when, 1000, stem + ".opus")
        m["source"] = "customer-service"
        m.pop("purpose", None)
        m.pop("legal_basis", None)
        m["title"] = "Live call %d" % k
        write(os.path.join(spool_dir, stem + ".json"), m)
        return os.path.join(spool_dir, stem + ".json")

    for k in range(count):
        when = now - dt.timedelta(seconds=count - k)
        items.append((put(k, when), when))
    w = subprocess.Popen(watch, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    lock = threading.Lock()
    ret = [None] * count		# (ingest call s, monotonic time it returned)
    failed = []

    def one(k):
        path, when = items[k]
        for attempt in range(1, 6):
            t0 = time.monotonic()
            p = subprocess.run(recctl + ["--json", path], capture_output=True, text=True)
            t1 = time.monotonic()
            try:
                got = json.loads(p.stdout)["manifests"][0]
                rec = got["recording"]
            except (ValueError, KeyError, IndexError):
                failed.append("%s: exit %d %s" % (os.path.basename(path), p.returncode, p.stderr.strip()[-200:]))
                return
            if got.get("status") != "duplicate":
                break
            # A kept register may hold an earlier run's recording of that
            # second: a duplicate is visible before its call and would time
            # nothing, so the call is made again, a whole run earlier.
            when -= dt.timedelta(seconds=count * attempt)
            path = put(k, when)
        if got.get("status") != "ingested":
            failed.append("%s: %s %s" % (os.path.basename(path), got.get("status"), got.get("reason", "")))
            return
        name = "%s_customer-service_%s.opus" % (when.strftime("%Y%m%dT%H%M%SZ"), rec[:8])
        full = os.path.join(mnt, "by-date", when.strftime("%Y"), when.strftime("%m"), when.strftime("%d"), name)
        with lock:
            ret[k] = (t1 - t0, t1)
            w.stdin.write("%d %s\n" % (k, full))
            w.stdin.flush()

    threads = []
    start = time.monotonic()
    for k in range(count):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t = threading.Thread(target=one, args=(k,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    w.stdin.close()
    seen = {}
    for line in w.stdout:
        k, t = line.split()
        seen[int(k)] = float(t)
    w.wait()
    if failed:
        sys.exit("scale.py live: ingest failed: " + "; ".join(failed[:3]))
    delays, calls, lost = [], [], 0
    for k in range(count):
        call, t1 = ret[k]
        t = seen.get(k, -1.0)
        calls.append(call)
        if t < 0:
            lost += 1
            print("%.6f -1" % call)
        else:
            delays.append(max(t - t1, 0.0))
            print("%.6f %.6f" % (call, delays[-1]))
    delays.sort()
    q = lambda f: delays[min(len(delays) - 1, int(f * len(delays)))] if delays else float("nan")
    print("n %d median %.6f max %.6f p90 %.6f ingest_median %.6f ingest_max %.6f lost %d" %
          (len(delays), statistics.median(delays) if delays else float("nan"), delays[-1] if delays else float("nan"),
           q(0.9), statistics.median(calls), max(calls), lost))


def watch():
    pending = {}
    buf = b""
    eof = False
    while not eof or pending:
        if not eof:
            r, _, _ = select.select([0], [], [], 0.005)
            if r:
                data = os.read(0, 65536)
                eof = not data
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    k, path = line.decode().split(" ", 1)
                    pending[k] = (path, time.monotonic())
        else:
            time.sleep(0.005)
        for k in list(pending):
            path, since = pending[k]
            try:
                os.stat(path)
                print(k, "%.6f" % time.monotonic(), flush=True)
                del pending[k]
            except OSError:
                if time.monotonic() - since > 30:
                    print(k, "-1", flush=True)
                    del pending[k]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "live":
        return live(None, sys.argv[2:])
    if len(sys.argv) == 2 and sys.argv[1] == "watch":
        return watch()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("spool")
    s.add_argument("spool")
    s.add_argument("audio")
    s.add_argument("count", type=int)
    s.add_argument("--per-day", type=int, default=10000)
    s.add_argument("--seed", type=int, default=14)
    a = p.parse_args()
    spool(a)


if __name__ == "__main__":
    sys.exit(main())
