#!/usr/bin/env python3
"""memscan.py PID [--keyring PATH]... [--text LABEL=STRING]...

Search the whole readable memory of process PID (as root, through
/proc/PID/maps and /proc/PID/mem) for secrets, and print one line per
secret: "LABEL found" or "LABEL absent".

  --keyring PATH   every secret key of a raw keyring (RECFSKR1): each level
                   key labelled by its level, the blind-index key "index";
                   the pins (a level's public key, not a secret) are left
                   out
  --text L=S       the bytes of S (UTF-8), labelled L

Regions above 256 MiB (a sanitizer's shadow) are skipped: recfs keeps
secrets in small mappings.  Exits 1 when the memory cannot be read.
"""
import sys

KIND_LEVEL, KIND_INDEX = 1, 2


def keys_of(path):
    data = open(path, "rb").read()
    if data[:8] != b"RECFSKR1" or data[9] != 0:
        sys.exit("%s is not a raw keyring" % path)
    p = data[12:]
    count, pos, out = int.from_bytes(p[:4], "little"), 4, []
    for _ in range(count):
        kind, nl = p[pos], p[pos + 1]
        name = p[pos + 2:pos + 2 + nl].decode()
        pos += 2 + nl
        kl = p[pos]
        key = p[pos + 1:pos + 1 + kl]
        pos += 1 + kl
        if kind in (KIND_LEVEL, KIND_INDEX):
            out.append(("index" if kind == KIND_INDEX else name, key))
    return out


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    pid, needles, args = argv[1], [], argv[2:]
    while args:
        opt, val, args = args[0], args[1], args[2:]
        if opt == "--keyring":
            for name, key in keys_of(val):
                if key not in [k for _, k in needles]:
                    needles.append((name, key))
        elif opt == "--text":
            label, _, s = val.partition("=")
            needles.append((label, s.encode()))
        else:
            sys.exit("unknown option %s" % opt)
    longest = max((len(k) for _, k in needles), default=1)
    found = set()
    try:
        with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem:
            for line in maps:
                addr, perms = line.split()[:2]
                lo, hi = (int(x, 16) for x in addr.split("-"))
                if perms[0] != "r" or hi - lo > (256 << 20):
                    continue
                tail = b""
                for off in range(lo, hi, 1 << 20):
                    try:
                        mem.seek(off)
                        chunk = mem.read(min(1 << 20, hi - off))
                    except OSError:
                        tail = b""
                        continue
                    buf = tail + chunk
                    for i, (_, key) in enumerate(needles):
                        if key in buf:
                            found.add(i)
                    tail = buf[-longest:]
    except OSError as e:
        sys.stderr.write("cannot read the memory of %s: %s\n" % (pid, e))
        return 1
    for i, (name, _) in enumerate(needles):
        print(name, "found" if i in found else "absent")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
