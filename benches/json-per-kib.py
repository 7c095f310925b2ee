#!/usr/bin/env python3
"""JSON bodies of exact sizes for benches/json-per-kib.sh, and its report.

  json-per-kib.py corpus DIR [--sizes 1,2,4,...] [--per-size N]
      writes, for each size in KiB, DIR/json-<size>KiB/requests.jsonl and labels.tsv in
      shared/bench's format: N benign `POST application/json` requests whose bodies are exactly
      that many KiB (1 KiB = 1024 bytes), class `json-<size>KiB`. The bodies are realistic API
      payloads, taken in turn: an order with line items, an analytics event batch, a ticket
      list with comments (objects of string and number fields, arrays, nesting), built from
      fixed word lists with fixed seeds: the same bytes on every run.

  json-per-kib.py report RESULTS ROUNDS LOAD_START LOAD_END [--sizes ...] [--config NAME]
      reads RESULTS/{modsec,palisade}-<size>KiB-r<round>.json (the harness's JSON summary) and
      round 1's verdicts-{modsec,palisade}-<size>KiB.tsv, and prints per size the median us
      per request of both engines, us per KiB and the ratio; per engine a least-squares line
      (us = intercept + slope * KiB), its R^2 and the us/KiB at 64 KiB over that at 4 KiB;
      the ratio of the slopes against issue 7's 1/50; and any rule that matched a body.

Python 3 standard library only.
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys

WORDS = (
    "blue green red grey navy black white large small medium classic premium organic cotton "
    "wool linen leather canvas travel kitchen garden office desk lamp chair table shelf mug "
    "bottle jacket sweater scarf boots sneakers backpack wallet notebook pencil marker "
    "monday tuesday weekend morning evening delivery pickup warehouse north south east west "
    "quarterly report region team review draft approved pending shipped returned refund "
    "invoice customer support request feature layout page button colour spacing mobile "
    "desktop tablet release version sprint planning meeting summary notes agenda budget"
).split()
FIRST = "Hiro Anna Lucas Mei Omar Sofia Jonas Priya Mateo Chloe Noah Aiko Lena Diego".split()
LAST = "Rossi Nakamura Schmidt Garcia Dubois Kowalski Silva Jensen Murphy Novak Costa".split()
DOMAINS = ["example.com", "mail.example.org", "outlook.example", "corp.example.net"]
CITIES = ["Lisbon", "Osaka", "Berlin", "Lyon", "Krakow", "Dublin", "Porto", "Aarhus"]
PAGES = ["/", "/products", "/products/wool-sweater", "/cart", "/checkout", "/blog/spring-sale",
         "/account/orders", "/search"]
EVENTS = ["page_view", "click", "add_to_cart", "scroll", "search", "form_submit"]
STATUSES = ["open", "in_progress", "review", "closed"]


def words(rng, lo, hi):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def person(rng):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "id": rng.randint(100000, 999999),
        "name": "%s %s" % (first, last),
        "email": "%s.%s%d@%s" % (first.lower(), last.lower(), rng.randint(1, 99),
                                 rng.choice(DOMAINS)),
    }


def uuid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def order_item(rng, i):
    return {
        "sku": "SKU-%06d" % rng.randint(0, 999999),
        "name": words(rng, 2, 4).title(),
        "qty": rng.randint(1, 5),
        "unit_price": {"amount": round(rng.uniform(3, 250), 2), "currency": "EUR"},
        "options": {"colour": rng.choice(WORDS[:8]), "size": rng.choice(["S", "M", "L", "XL"])},
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 3))],
        "gift_wrap": rng.random() < 0.2,
        "line": i,
    }


def event(rng, i):
    return {
        "type": rng.choice(EVENTS),
        "ts": 1714509078000 + i * rng.randint(200, 4000),
        "page": rng.choice(PAGES),
        "props": {
            "duration_ms": rng.randint(10, 30000),
            "scroll_pct": rng.randint(0, 100),
            "label": words(rng, 1, 3),
            "viewport": [rng.choice([360, 390, 768, 1280, 1920]), rng.choice([640, 800, 1080])],
        },
        "seq": i,
    }


def ticket(rng, i):
    return {
        "id": 4000 + i,
        "title": words(rng, 3, 7).capitalize(),
        "status": rng.choice(STATUSES),
        "assignee": person(rng),
        "labels": [rng.choice(WORDS) for _ in range(rng.randint(0, 3))],
        "estimate": rng.choice([0.5, 1, 2, 3, 5, 8]),
        "comments": [
            {"author": rng.choice(FIRST), "text": words(rng, 6, 18).capitalize() + "."}
            for _ in range(rng.randint(0, 2))
        ],
    }


def order(rng):
    return ("items", order_item, {
        "order_id": "ord_%010d" % rng.randint(0, 10**10 - 1),
        "customer": person(rng),
        "currency": "EUR",
        "shipping": {"city": rng.choice(CITIES), "postcode": "%05d" % rng.randint(0, 99999),
                     "method": rng.choice(["standard", "express"])},
        "items": [],
    })


def batch(rng):
    return ("events", event, {
        "batch_id": uuid(rng),
        "client": {"app": "web", "version": "4.%d.%d" % (rng.randint(0, 20), rng.randint(0, 9)),
                   "locale": rng.choice(["en-GB", "de-DE", "pt-PT", "ja-JP"])},
        "events": [],
    })


def tickets(rng):
    return ("tickets", ticket, {
        "project": {"key": "OPS", "name": words(rng, 2, 3).title()},
        "requested_by": person(rng),
        "tickets": [],
    })


SHAPES = [order, batch, tickets]


def dump(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def body_of(size, shape, seed):
    """A body of exactly `size` bytes: the shape's list grows while it fits, then a `note`
    field of words pads it to the byte."""
    rng = random.Random(seed)
    key, make, doc = shape(rng)
    doc["note"] = ""
    base = len(dump(doc).encode())
    i = 0
    while True:
        item = make(rng, i)
        doc[key].append(item)
        if len(dump(doc).encode()) > size - 16:
            doc[key].pop()
            break
        i += 1
    free = size - len(dump(doc).encode())
    if free < 0 or base > size:
        raise SystemExit("size %d too small for shape %s" % (size, shape.__name__))
    note = ""
    while len(note) < free:
        note += (" " if note else "") + rng.choice(WORDS)
    doc["note"] = note[:free].rstrip() + "." * (free - len(note[:free].rstrip()))
    text = dump(doc)
    assert len(text.encode()) == size, (len(text.encode()), size)
    return text


def corpus(args):
    for kib in [int(x) for x in args.sizes.split(",")]:
        d = os.path.join(args.dir, "json-%dKiB" % kib)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "requests.jsonl"), "w", encoding="utf-8", newline="\n") as rq, \
                open(os.path.join(d, "labels.tsv"), "w", encoding="utf-8", newline="\n") as lb:
            lb.write("id\tkind\tclass\tlocation\n")
            for k in range(args.per_size):
                rid = 1000 * kib + k + 1
                shape = SHAPES[k % len(SHAPES)]
                body = body_of(kib * 1024, shape, rid)
                req = {
                    "id": rid, "kind": "benign", "method": "POST",
                    "uri": "/api/v2/%s" % shape.__name__, "version": "HTTP/1.1",
                    "headers": [
                        ["Host", "api.example.com"],
                        ["User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) "
                                       "Gecko/20100101 Firefox/125.0"],
                        ["Accept", "application/json"],
                        ["Accept-Language", "en-GB,en;q=0.8"],
                        ["Accept-Encoding", "gzip, deflate, br"],
                        ["Content-Type", "application/json"],
                        ["Content-Length", str(len(body.encode()))],
                        ["Origin", "https://www.shop.example"],
                        ["Connection", "keep-alive"],
                    ],
                    "body": body,
                }
                rq.write(dump(req) + "\n")
                lb.write("%d\tbenign\tjson-%dKiB\t-\n" % (rid, kib))


def read_verdicts(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def fit(xs, ys):
    """Least squares y = a + b x: (a, b, R^2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx if sxx else float("nan")
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else float("nan")


def slope_ratio(slopes):
    """ModSecurity's slope over Palisade's, judged against issue 7's 50x."""
    if slopes["palisade"] <= 0 or slopes["modsec"] <= 0:
        return ("undefined (a slope is not positive: too few sizes, requests or passes for the "
                "noise and the per-run constant)")
    ratio = slopes["modsec"] / slopes["palisade"]
    return "%.1fx; issue 7's claim (Palisade's under 1/50 of ModSecurity's): %s" % (
        ratio, "met" if ratio >= 50 else "NOT met")


def report(args):
    engines = (("modsec", "ModSecurity"), ("palisade", "Palisade"))
    sizes = [int(x) for x in args.sizes.split(",")]
    # per[engine][kib]: each round's benign median us (median over the timed passes)
    per = {e: {k: [] for k in sizes} for e, _ in engines}
    for e, _ in engines:
        for k in sizes:
            for r in range(1, args.rounds + 1):
                with open(os.path.join(args.results, "%s-%dKiB-r%d.json" % (e, k, r))) as f:
                    per[e][k].append(json.load(f)["median"]["benign"]["median_us"])
    med = {e: {k: statistics.median(per[e][k]) for k in sizes} for e, _ in engines}

    print("JSON request bodies of %s KiB, CRS %s: %d round(s) x (ModSecurity, Palisade) per size;"
          % (", ".join(map(str, sizes)), args.config, args.rounds))
    print("us/request: median over rounds of each run's median over passes of the median over "
          "that size's %s requests, (min-max over rounds)." % args.per_size)
    print("load average (1/5/15 min): %s at start, %s at end; %d cores." % (
        args.load_start, args.load_end, os.cpu_count()))
    print()
    print("%-7s %30s %30s %7s %13s %13s" % ("size", "ModSecurity us/request",
                                           "Palisade us/request", "ratio", "ModSec us/KiB",
                                           "Palisade us/KiB"))
    for k in sizes:
        m, p = per["modsec"][k], per["palisade"][k]
        print("%-7s %30s %30s %6.1fx %13.1f %13.2f" % (
            "%d KiB" % k,
            "%.1f (%.1f-%.1f)" % (med["modsec"][k], min(m), max(m)),
            "%.1f (%.1f-%.1f)" % (med["palisade"][k], min(p), max(p)),
            med["modsec"][k] / med["palisade"][k],
            med["modsec"][k] / k, med["palisade"][k] / k))
    print()
    slopes = {}
    for e, label in engines:
        ys = [med[e][k] for k in sizes]
        a, b, r2 = fit(sizes, ys)
        slopes[e] = b
        line = "%-11s least squares over sizes: %.2f us/KiB, intercept %.1f us, R^2 %.4f" % (
            label, b, a, r2)
        if 4 in med[e] and 64 in med[e]:
            line += "; us/KiB at 64 KiB / at 4 KiB: %.2f" % ((med[e][64] / 64) / (med[e][4] / 4))
        print(line)
    print("per-KiB cost (slope), ModSecurity / Palisade: %s" % slope_ratio(slopes))

    # CPU time (benches/lib.sh's OUT.cpu): user + system seconds of each run's process over the
    # requests it ran (warm-up, timed and, for ModSecurity in round 1, its verdicts pass).
    # Rule loading and process start are a constant per run, the same for every size: they land
    # in the intercept, not in the slope.
    cpu = {e: {k: [] for k in sizes} for e, _ in engines}
    for e, _ in engines:
        for k in sizes:
            for r in range(1, args.rounds + 1):
                base = os.path.join(args.results, "%s-%dKiB-r%d" % (e, k, r))
                if not os.path.exists(base + ".cpu"):
                    continue
                with open(base + ".json") as f:
                    j = json.load(f)
                with open(base + ".cpu") as f:
                    secs = sum(float(x) for x in f.read().split()[-2:])
                runs = j["passes"] + j["warmup"] + (1 if e == "modsec" and r == 1 else 0)
                cpu[e][k].append(secs * 1e6 / (j["n"] * runs))
    if all(cpu[e][k] for e, _ in engines for k in sizes):
        print()
        print("CPU time per request (user+sys of the process / requests run, rule loading "
              "included as a per-run constant), a cross-check that a busy machine inflates "
              "less than wall time:")
        cslopes = {}
        for e, label in engines:
            ys = [statistics.median(cpu[e][k]) for k in sizes]
            a, b, r2 = fit(sizes, ys)
            cslopes[e] = b
            print("%-11s least squares over sizes: %.2f us CPU/KiB, intercept %.1f us, R^2 %.4f; "
                  "per size: %s" % (label, b, a, r2,
                                    ", ".join("%d KiB %.0f" % (k, y) for k, y in zip(sizes, ys))))
        print("CPU per KiB (slope), ModSecurity / Palisade: %s" % slope_ratio(cslopes))
    print()

    # Round 1's verdicts: the bodies are benign, and both engines should agree.
    for e, label in engines:
        hits = []
        for k in sizes:
            for row in read_verdicts(os.path.join(args.results, "verdicts-%s-%dKiB.tsv" % (e, k))):
                if row["rule_ids"] not in ("-", "") or row["disruptive"] != "0":
                    hits.append("%s: %s" % (row["id"], row["rule_ids"]))
        print("%s: %s" % (label, "rules matched on " + "; ".join(hits) if hits
                         else "no rule matched any body (round 1 verdicts)"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("dir")
    c.add_argument("--sizes", default="1,2,4,8,16,32,64")
    c.add_argument("--per-size", type=int, default=3)
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("rounds", type=int)
    r.add_argument("load_start")
    r.add_argument("load_end")
    r.add_argument("--config", default="crs4-pl1")
    r.add_argument("--sizes", default="1,2,4,8,16,32,64")
    r.add_argument("--per-size", default="?")
    a = ap.parse_args()
    if a.cmd == "corpus":
        corpus(a)
    else:
        report(a)


if __name__ == "__main__":
    sys.exit(main())
