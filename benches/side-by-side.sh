#!/bin/sh
# Side by side: ModSecurity v3 (libmodsecurity, through the harness in shared/bench/modsec) and
# Palisade (`palisade bench`) on the same CRS configurations and request corpus, run in
# alternation (ModSecurity, Palisade, ModSecurity, Palisade, ... for several rounds), then every
# figure of both with their ratio. See benches/README.md.
#
#   benches/side-by-side.sh [ROUNDS] [PASSES]     (defaults: 3 rounds, 5 timed passes per run)
#
# Env: CONFIGS   configurations under shared/bench/modsec/conf (default "crs4-pl1 crs4-pl2")
#      WARMUP    untimed warm-up passes per run (default 1)
#      PALISADE_BENCH_DIR  the shared bench folder (default ../shared/bench beside the repo)
#      KEEP=1    keep the temporary folder (harness build and raw results) and print its path
#
# Needs: cc, pkg-config, libmodsecurity-dev, libjansson-dev (the harness), cargo, python3.
# Nothing is written inside the repository except cargo's target/; the harness is built in a
# temporary folder (shared/ is read-only).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-3}
PASSES=${2:-5}
WARMUP=${WARMUP:-1}
CONFIGS=${CONFIGS:-"crs4-pl1 crs4-pl2"}
BENCH=${PALISADE_BENCH_DIR:-$ROOT/../shared/bench}
BENCH=$(cd "$BENCH" && pwd)
MODSEC=$BENCH/modsec
[ -f "$MODSEC/bench.c" ] || { echo "no ModSecurity harness at $MODSEC (set PALISADE_BENCH_DIR)" >&2; exit 1; }
for pc in modsecurity jansson; do
    pkg-config --exists "$pc" || { echo "missing $pc: apt-get install -y libmodsecurity-dev libjansson-dev pkg-config" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-side-by-side.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $TMP" >&2
else
    trap 'rm -rf "$TMP"' EXIT INT TERM
fi
mkdir -p "$TMP/results"

echo "building the ModSecurity harness in $TMP" >&2
${CC:-cc} -O2 -g -Wall -Wextra -std=gnu11 -o "$TMP/modsec-bench" "$MODSEC/bench.c" \
    $(pkg-config --cflags --libs modsecurity jansson) -lm
echo "building Palisade (release)" >&2
(cd "$ROOT" && cargo build --release --quiet -p palisade-cli)
TARGET_DIR=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
PALISADE=$TARGET_DIR/release/palisade

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
r=1
while [ "$r" -le "$ROUNDS" ]; do
    for cfg in $CONFIGS; do
        conf=$MODSEC/conf/$cfg.conf
        vm="" vp=""
        if [ "$r" -eq 1 ]; then
            vm="-V $TMP/results/verdicts-modsec-$cfg.tsv"
            vp="--verdicts $TMP/results/verdicts-palisade-$cfg.tsv"
        fi
        echo "round $r/$ROUNDS: $cfg: ModSecurity" >&2
        "$TMP/modsec-bench" -n "$cfg" -c "$conf" -r "$BENCH/requests.jsonl" -l "$BENCH/labels.tsv" \
            -p "$PASSES" -w "$WARMUP" -j "$TMP/results/modsec-$cfg-r$r.json" $vm \
            > "$TMP/results/modsec-$cfg-r$r.txt"
        echo "round $r/$ROUNDS: $cfg: Palisade" >&2
        "$PALISADE" bench --name "$cfg" --rules "$conf" --corpus "$BENCH/requests.jsonl" \
            --labels "$BENCH/labels.tsv" --passes "$PASSES" --warmup "$WARMUP" \
            --json "$TMP/results/palisade-$cfg-r$r.json" $vp \
            > "$TMP/results/palisade-$cfg-r$r.txt"
    done
    r=$((r + 1))
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$TMP/results" "$ROUNDS" "$PASSES" "$WARMUP" "$CONFIGS" "$LOAD_START" "$LOAD_END" <<'PY'
import csv, json, os, statistics, sys

d, rounds, passes, warmup, configs, load0, load1 = sys.argv[1:8]
configs = configs.split()

def runs(engine, cfg):
    out = []
    for r in range(1, int(rounds) + 1):
        p = os.path.join(d, "%s-%s-r%d.json" % (engine, cfg, r))
        with open(p) as f:
            out.append(json.load(f))
    return out

def med(xs):
    return statistics.median(xs)

def spread(xs, fmt):
    return (fmt % med(xs)) + " (" + (fmt % min(xs)) + "-" + (fmt % max(xs)) + ")"

def verdicts(p):
    with open(p, newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f, delimiter="\t")}

print("side by side: %s rounds x (ModSecurity, Palisade), each run %s warm-up + %s timed passes;"
      % (rounds, warmup, passes))
print("figures: median over rounds of each run's median over passes, (min-max over rounds).")
print("load average (1/5/15 min): %s at start, %s at end; %d cores." % (load0, load1, os.cpu_count()))
for cfg in configs:
    m, p = runs("modsec", cfg), runs("palisade", cfg)
    print()
    print("== %s: %s vs %s" % (cfg, m[0]["engine"], p[0]["engine"]))
    print("%-26s %30s %30s %8s" % ("figure", "ModSecurity", "Palisade", "ratio"))
    # (label, getter, format, better): better='lower' -> ratio ModSec/Palisade, 'higher' -> Palisade/ModSec
    rows = [
        ("requests/s", lambda j: j["median"]["rps"], "%.0f", "higher"),
        ("wall per pass, s", lambda j: j["median"]["wall_s"], "%.3f", "lower"),
        ("benign median, us", lambda j: j["median"]["benign"]["median_us"], "%.1f", "lower"),
        ("benign p99, us", lambda j: j["median"]["benign"]["p99_us"], "%.1f", "lower"),
        ("benign mean, us", lambda j: j["median"]["benign"]["mean_us"], "%.1f", "lower"),
        ("attack median, us", lambda j: j["median"]["attack"]["median_us"], "%.1f", "lower"),
        ("attack p99, us", lambda j: j["median"]["attack"]["p99_us"], "%.1f", "lower"),
        ("attack mean, us", lambda j: j["median"]["attack"]["mean_us"], "%.1f", "lower"),
        ("ruleset load, ms", lambda j: j["load_ms"], "%.1f", "lower"),
        ("ruleset memory, RSS MiB", lambda j: j["ruleset_rss_kib"] / 1024.0, "%.1f", "lower"),
        ("peak RSS, MiB", lambda j: j["peak_rss_kib"] / 1024.0, "%.1f", "lower"),
    ]
    ratios = {}
    for label, get, fmt, better in rows:
        mv = [get(j) for j in m]
        pv = [get(j) for j in p]
        mm, pm = med(mv), med(pv)
        if better == "higher":
            ratio = pm / mm if mm else float("nan")
        else:
            ratio = mm / pm if pm else float("inf")
        ratios[label] = ratio
        print("%-26s %30s %30s %7.1fx" % (label, spread(mv, fmt), spread(pv, fmt), ratio))
    for label, key, n in (("attacks blocked (403)", "attack_403", "n_attack"),
                          ("benign blocked (403)", "benign_403", "n_benign")):
        mv = sorted(set(j[key] for j in m))
        pv = sorted(set(j[key] for j in p))
        print("%-26s %30s %30s" % (label, "/".join(map(str, mv)) + "/%d" % m[0][n],
                                    "/".join(map(str, pv)) + "/%d" % p[0][n]))
    print("%-26s %30s %30s" % ("log messages per pass", m[0]["log_messages_per_pass"],
                                p[0]["log_messages_per_pass"]))
    vm = os.path.join(d, "verdicts-modsec-%s.tsv" % cfg)
    vp = os.path.join(d, "verdicts-palisade-%s.tsv" % cfg)
    if os.path.exists(vm) and os.path.exists(vp):
        a, b = verdicts(vm), verdicts(vp)
        ids = sorted(set(a) | set(b), key=int)
        same = [i for i in ids if i in a and i in b
                and set(a[i]["rule_ids"].split(",")) == set(b[i]["rule_ids"].split(","))
                and a[i]["disruptive"] == b[i]["disruptive"]]
        diff = [i for i in ids if i not in same]
        print("%-26s %d/%d requests with the same matched rule ids and decision%s" % (
            "decision parity (round 1)", len(same), len(ids),
            "" if not diff else "; differ: " + ",".join(diff[:20]) + (" ..." if len(diff) > 20 else "")))
    if cfg == "crs4-pl1":
        print("issue 7 targets at PL1: requests/s >= 30x: %s (%.1fx); benign p99 <= 1/50: %s (%.1fx); "
              "load time <= ModSecurity's: %s (%.1fx); ruleset memory <= half: %s (%.1fx)" % (
                  "met" if ratios["requests/s"] >= 30 else "NOT met", ratios["requests/s"],
                  "met" if ratios["benign p99, us"] >= 50 else "NOT met", ratios["benign p99, us"],
                  "met" if ratios["ruleset load, ms"] >= 1 else "NOT met", ratios["ruleset load, ms"],
                  "met" if ratios["ruleset memory, RSS MiB"] >= 2 else "NOT met",
                  ratios["ruleset memory, RSS MiB"]))
print()
print("ratio: how many times better Palisade is (ModSecurity/Palisade for times and memory, "
      "Palisade/ModSecurity for requests/s).")
PY
