#!/usr/bin/env python3
"""gen_register.py - a spool of synthetic recordings for the demo, the tests
and the benchmarks (stdlib only; needs espeak-ng, sox and opusenc).

    gen_register.py OUTDIR --count N [--seed S] [--meetings FRACTION] [--bad]
                    [--clips DIR] [--big-mb M] [--now ISO]

A pool of distinct speech clips is encoded once (cached in --clips, default
OUTDIR/.clips); each recording is a copy of a pool clip plus its manifest,
written last as in DESIGN.md "Ingest".  The same seed and --now give the same
spool.  Source and purpose names are those of packaging/examples/tamro.conf.
"""
import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time

POOL_VERSION = "1"

# (voice, text): Finnish, English and Swedish customer-service phrases.
UTTERANCES = [
    ("fi", "Hyvää huomenta, Tamron asiakaspalvelu, kuinka voin auttaa?"),
    ("fi", "Tilaukseni ei ole vielä saapunut apteekkiin, voisitteko tarkistaa sen?"),
    ("fi", "Toimitus lähtee huomenna aamulla, ja se on perillä iltapäivällä."),
    ("fi", "Kiitos soitosta, mukavaa päivänjatkoa."),
    ("en", "Good morning, I am calling about order number one two three four."),
    ("en", "The delivery was missing two packages of insulin."),
    ("en", "Let us go through the quarterly figures on the next slide."),
    ("en", "Thank you everyone, the meeting notes will be shared later today."),
    ("sv", "Hej, jag ringer från apoteket i Vasa angående en leverans."),
    ("sv", "Vi behöver en ny faktura för förra månadens beställning."),
    ("fi", "Seuraavaksi käydään läpi uuden varastojärjestelmän käyttöönotto."),
    ("en", "Could you confirm the price change before the end of the month?"),
]
STEREO_PAIRS = [(0, 4), (1, 5), (2, 8), (3, 9)]

# Sources of packaging/examples/tamro.conf: name -> kind.
SOURCES = {
    "customer-service": "call",
    "customer-meetings": "meeting",
    "internal-meetings": "meeting",
    "internal-briefings": "meeting",
}
# Purposes a manifest may name instead of the source's default.
CALL_PURPOSES = [("training", "legitimate_interests"), ("service-level", "legitimate_interests"),
                 ("guidelines", "legitimate_interests"), ("consent", "consent")]

FIRST = ["Matti", "Maija", "Äijö", "Åsa", "Jyrki", "Päivi", "Sören", "Jöns", "Tiina",
         "Väinö", "Kaisa", "Örjan", "Hannele", "Pekka", "Sanna", "Mikko", "Elina", "Björn"]
LAST = ["Meikäläinen", "Öberg", "Virtanen", "Mäkinen", "Hämäläinen", "Järvinen",
        "Lindström", "Kärkkäinen", "Nieminen", "Ström", "Väisänen", "Åkerlund", "Heikkilä"]
ORGS = ["Apteekki Kämp", "Yliopiston Apteekki", "Malmin Apteekki", "Vaasan Hjärta Apotek",
        "Töölön Apteekki", "HUS Apteekki", "Tampereen Keskusapteekki", "Oulun Pohjois-Apteekki"]
STAFF = [("Maija Virtanen", "mvirtanen"), ("Jussi Kärkkäinen", "jkarkkainen"),
         ("Åsa Lindqvist", "alindqvist"), ("Pertti Mäkelä", "pmakela"),
         ("Sirpa Hänninen", "shanninen"), ("Önni Laaksonen", "olaaksonen")]
TOPICS = ["Tilaus {n} toimitus", "Laskutuskysymys {n}", "Reklamaatio {n}",
          "Hinnanmuutos {n}", "Toimitusaikataulu {n}", "Order {n} delivery"]
MEETING_TOPICS = ["Kvartaalikatsaus", "Varastojärjestelmän käyttöönotto",
                  "Asiakastapaaminen: sopimuksen uusiminen", "Tiedotustilaisuus: uusi jakelukeskus",
                  "Laatupalaveri", "Yhteistyöpalaveri"]

FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a"})


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_pool(clips):
    """Encode the clip pool once; returns the list of clip paths."""
    stamp = os.path.join(clips, "pool-" + POOL_VERSION)
    names = ["clip%02d.opus" % i for i in range(len(UTTERANCES))]
    names += ["stereo%02d.opus" % i for i in range(len(STEREO_PAIRS))]
    paths = [os.path.join(clips, n) for n in names]
    if os.path.exists(stamp) and all(os.path.exists(p) for p in paths):
        return paths
    os.makedirs(clips, exist_ok=True)
    wavs = []
    for i, (voice, text) in enumerate(UTTERANCES):
        raw = os.path.join(clips, "raw%02d.wav" % i)
        wav = os.path.join(clips, "w%02d.wav" % i)
        run(["espeak-ng", "-v", voice, "-s", "150", "-w", raw, text])
        run(["sox", raw, "-r", "48000", "-b", "16", wav, "pad", "0.3", "0.3"])
        run(["opusenc", "--quiet", "--serial", str(1000 + i), "--bitrate", "24",
             wav, paths[i]])
        os.unlink(raw)
        wavs.append(wav)
    for j, (a, b) in enumerate(STEREO_PAIRS):
        wav = os.path.join(clips, "s%02d.wav" % j)
        run(["sox", "-M", wavs[a], wavs[b], wav])
        run(["opusenc", "--quiet", "--serial", str(2000 + j), "--bitrate", "40",
             wav, paths[len(UTTERANCES) + j]])
        os.unlink(wav)
    for w in wavs:
        os.unlink(w)
    open(stamp, "w").close()
    return paths


def make_big(clips, mb):
    """About mb MiB of hard-CBR 256 kbit/s stereo: speech over quiet noise."""
    path = os.path.join(clips, "big-%dmb.opus" % mb)
    if os.path.exists(path):
        return path
    seconds = max(1, int(mb * 1024 * 1024 * 8 / 256000))
    tmp = path + ".tmp"
    sox = subprocess.Popen(["sox", "-q", "-n", "-r", "48000", "-b", "16", "-c", "2", "-t", "wav", "-",
                            "synth", str(seconds), "pinknoise", "brownnoise", "vol", "0.3"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    enc = subprocess.run(["opusenc", "--quiet", "--serial", "4242", "--bitrate", "256",
                          "--hard-cbr", "--comp", "0", "-", tmp], stdin=sox.stdout,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sox.stdout.close()
    if sox.wait() != 0 or enc.returncode != 0:
        sys.exit("gen_register: encoding the big recording failed")
    os.rename(tmp, path)
    return path


def pdf_bytes(title, lines):
    """A minimal valid PDF 1.4 with one text page (ASCII only in the page)."""
    def esc(s):
        s = s.translate(FOLD).encode("ascii", "replace").decode()
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    text = "BT /F1 18 Tf 72 740 Td (%s) Tj ET\n" % esc(title)
    y = 700
    for ln in lines:
        text += "BT /F1 12 Tf 72 %d Td (%s) Tj ET\n" % (y, esc(ln))
        y -= 20
    stream = text.encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def person(rng, i):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    mail = "%s.%s@example.fi" % (first.lower().translate(FOLD), last.lower().translate(FOLD))
    return {"role": "customer", "name": "%s %s" % (first, last),
            "phone": "+35840%07d" % rng.randrange(10 ** 7), "email": mail,
            "organisation": rng.choice(ORGS), "ref": "CRM-%05d" % (10000 + i)}


def write_json_last(path, obj):
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
    os.rename(tmp, path)


def write_recording(out, stem, manifest, clip, extra=None):
    shutil.copyfile(clip, os.path.join(out, stem + ".opus"))
    for name, data in (extra or {}).items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    write_json_last(os.path.join(out, stem + ".json"), manifest)


def chat_text(rng, people, when):
    lines = []
    phrases = ["Huomenta kaikille!", "Kuuluuko ääni?", "Jaan diat nyt.",
               "Hyvä kysymys, palataan siihen.", "Kiitos, selvä.", "Can you share the slides?",
               "Tack, det låter bra.", "Lähetän muistion iltapäivällä."]
    t = when
    for _ in range(rng.randint(4, 9)):
        t += dt.timedelta(seconds=rng.randint(5, 90))
        lines.append("[%s] %s: %s" % (t.strftime("%H:%M:%S"), rng.choice(people),
                                      rng.choice(phrases)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description="Generate a spool of synthetic recordings.")
    ap.add_argument("outdir")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--meetings", type=float, default=0.25, help="fraction of meetings")
    ap.add_argument("--bad", action="store_true", help="also write broken manifests")
    ap.add_argument("--clips", help="clip pool cache (default OUTDIR/.clips)")
    ap.add_argument("--big-mb", type=int, default=0, help="one long recording of ~M MiB")
    ap.add_argument("--now", help="reference time, ISO UTC (default $RECFS_NOW or today "
                    "00:00 UTC); recordings lie in the ~4 months before it")
    a = ap.parse_args()
    t0 = time.monotonic()
    out = a.outdir
    os.makedirs(out, exist_ok=True)
    clips = a.clips or os.path.join(out, ".clips")
    pool = make_pool(clips)
    mono, stereo = pool[:len(UTTERANCES)], pool[len(UTTERANCES):]

    now_s = a.now or os.environ.get("RECFS_NOW")
    if now_s and now_s.isdigit():
        now = dt.datetime.fromtimestamp(int(now_s), dt.timezone.utc)
    elif now_s:
        now = dt.datetime.fromisoformat(now_s.replace("Z", "+00:00"))
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
    else:
        now = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    start = now - dt.timedelta(days=120)

    rng = random.Random(a.seed)
    customers = [person(rng, i) for i in range(max(8, a.count // 6))]
    # A few customers call often: every subject gets several recordings.
    weights = [1.0 / (1 + i) ** 0.7 for i in range(len(customers))]
    stats = {"call": 0, "meeting": 0, "attachments": 0, "bad": 0}

    for i in range(a.count):
        stem = "rec%06d" % (i + 1)
        when = start + dt.timedelta(seconds=rng.randrange(int((now - start).total_seconds()) - 3600))
        when = when.replace(microsecond=0)
        staff = rng.sample(STAFF, 1)
        m = {"recorded_at": iso(when)}
        extra = {}
        if rng.random() < a.meetings:
            source = rng.choice(["customer-meetings", "internal-meetings", "internal-briefings"])
            staff = rng.sample(STAFF, rng.randint(2, 3))
            subs = []
            if source == "customer-meetings":
                subs = [dict(c, role="participant")
                        for c in rng.choices(customers, weights, k=rng.randint(1, 3))]
                subs = list({s["ref"]: s for s in subs}.values())
            title = "%s %s" % (rng.choice(MEETING_TOPICS), when.strftime("%d.%m.%Y"))
            clip = rng.choice(stereo)
            names = [n for n, _ in staff] + [s["name"] for s in subs]
            extra[stem + "-chat.txt"] = chat_text(rng, names, when)
            extra[stem + "-slides.pdf"] = pdf_bytes(title, ["Agenda", "1. Tilannekatsaus",
                                                           "2. Seuraavat askeleet"])
            m.update(source=source, title=title)
            m["attachments"] = [{"file": stem + "-chat.txt", "kind": "chat"},
                                {"file": stem + "-slides.pdf", "kind": "presentation"}]
            stats["meeting"] += 1
            stats["attachments"] += 2
        else:
            source = "customer-service"
            subs = [dict(rng.choices(customers, weights)[0])]
            title = rng.choice(TOPICS).format(n=rng.randint(1000, 99999))
            clip = rng.choice(mono if rng.random() < 0.8 else stereo)
            m.update(source=source, title=title)
            if rng.random() < 0.2:
                purpose, basis = rng.choice(CALL_PURPOSES)
                m["purpose"] = purpose
                m["legal_basis"] = basis
            stats["call"] += 1
        m["staff"] = [{"name": n, "id": u} for n, u in staff]
        m["subjects"] = subs
        m["audio"] = stem + ".opus"
        attachments = m.pop("attachments", None)
        if attachments:
            m["attachments"] = attachments
        write_recording(out, stem, m, clip, extra)

    if a.big_mb > 0:
        big = make_big(clips, a.big_mb)
        m = {"recorded_at": iso(now - dt.timedelta(days=2)), "source": "internal-briefings",
             "title": "Pitkä tiedotustilaisuus (benchmark)",
             "staff": [{"name": STAFF[0][0], "id": STAFF[0][1]}], "subjects": [],
             "audio": "big.opus"}
        write_recording(out, "big", m, big)

    if a.bad:
        def base(stem):
            return {"recorded_at": iso(now - dt.timedelta(days=3)), "source": "customer-service",
                    "title": "Broken example", "staff": [{"name": STAFF[1][0], "id": STAFF[1][1]}],
                    "subjects": [customers[0]], "audio": stem + ".opus"}
        bad_rng = random.Random(a.seed ^ 0x5eed)
        # Random bytes named .opus.
        with open(os.path.join(out, "bad-corrupt-audio.opus"), "wb") as f:
            f.write(bytes(bad_rng.randrange(256) for _ in range(20000)))
        write_json_last(os.path.join(out, "bad-corrupt-audio.json"), base("bad-corrupt-audio"))
        # Audio missing.
        write_json_last(os.path.join(out, "bad-missing-audio.json"), base("bad-missing-audio"))
        # Not JSON.
        shutil.copyfile(mono[0], os.path.join(out, "bad-invalid-json.opus"))
        with open(os.path.join(out, "bad-invalid-json.json"), "w") as f:
            f.write('{"recorded_at": "2026-01-01T00:00:00Z", "source": ')
        for stem, key, val in [("bad-unknown-source", "source", "fax-machine"),
                               ("bad-unknown-purpose", "purpose", "marketing"),
                               ("bad-future", "recorded_at",
                                iso(now + dt.timedelta(days=30)))]:
            m = base(stem)
            m[key] = val
            write_recording(out, stem, m, mono[1])
        # 10 MB of garbage as a manifest.
        shutil.copyfile(mono[2], os.path.join(out, "bad-huge.opus"))
        with open(os.path.join(out, "bad-huge.json"), "wb") as f:
            chunk = bytes(bad_rng.randrange(256) for _ in range(1 << 16))
            for _ in range(160):
                f.write(chunk)
        stats["bad"] = 7

    print("gen_register: %d recordings (%d calls, %d meetings, %d attachments)%s%s, "
          "%d customers, in %s (%.1f s)" %
          (a.count, stats["call"], stats["meeting"], stats["attachments"],
           ", 1 big of ~%d MiB" % a.big_mb if a.big_mb > 0 else "",
           ", %d bad manifests" % stats["bad"] if stats["bad"] else "",
           len(customers), out, time.monotonic() - t0))


if __name__ == "__main__":
    main()
