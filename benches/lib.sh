# Shared by the side-by-side scripts under benches/ (sourced, not run): locating the shared
# bench folder, the temporary folder, building ModSecurity's harness and Palisade, and running
# one timed process of either engine on a corpus. See benches/README.md.
#
# The sourcing script sets ROOT (the repository) first. Env honoured here:
#   PALISADE_BENCH_DIR  the shared bench folder (default ../shared/bench beside the repo)
#   KEEP=1              keep the temporary folder and print its path
#   CC                  the C compiler for the harness (default cc)

# bench_init: BENCH and MODSEC, checked, and the harness's build prerequisites.
bench_init() {
    BENCH=${PALISADE_BENCH_DIR:-$ROOT/../shared/bench}
    BENCH=$(cd "$BENCH" && pwd)
    MODSEC=$BENCH/modsec
    [ -f "$MODSEC/bench.c" ] || { echo "no ModSecurity harness at $MODSEC (set PALISADE_BENCH_DIR)" >&2; exit 1; }
    for pc in modsecurity jansson; do
        pkg-config --exists "$pc" || { echo "missing $pc: apt-get install -y libmodsecurity-dev libjansson-dev pkg-config" >&2; exit 1; }
    done
}

# bench_tmpdir NAME: TMP, a fresh temporary folder removed on exit unless KEEP=1.
bench_tmpdir() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-$1.XXXXXX")
    if [ "${KEEP:-0}" = 1 ]; then
        echo "keeping $TMP" >&2
    else
        # shellcheck disable=SC2064 # expand TMP now
        trap "rm -rf '$TMP'" EXIT INT TERM
    fi
}

# build_modsec_harness: MODSEC_BENCH, ModSecurity's harness built in $TMP (shared/ is read-only).
build_modsec_harness() {
    echo "building the ModSecurity harness in $TMP" >&2
    MODSEC_BENCH=$TMP/modsec-bench
    # shellcheck disable=SC2046 # pkg-config's flags are words
    ${CC:-cc} -O2 -g -Wall -Wextra -std=gnu11 -o "$MODSEC_BENCH" "$MODSEC/bench.c" \
        $(pkg-config --cflags --libs modsecurity jansson) -lm
}

# build_palisade: PALISADE, the release `palisade` binary of this worktree.
build_palisade() {
    echo "building Palisade (release)" >&2
    (cd "$ROOT" && cargo build --release --quiet -p palisade-cli)
    TARGET_DIR=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    PALISADE=$TARGET_DIR/release/palisade
}

# loadavg: the 1, 5 and 15 minute load averages.
loadavg() {
    cut -d' ' -f1-3 /proc/loadavg
}

# cpu_timed OUT CMD...: runs CMD; with /usr/bin/time, the process's user and system CPU seconds
# go to OUT.cpu (`USER SYS`), a figure that a busy machine inflates far less than wall time.
cpu_timed() {
    _out=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%U %S' -o "$_out.cpu" "$@"
    else
        "$@"
    fi
}

# run_modsec NAME CONF CORPUS LABELS PASSES WARMUP OUT [VERDICTS]: one harness process; its text
# goes to OUT.txt, its JSON summary to OUT.json, its CPU time to OUT.cpu, and with VERDICTS its
# per-request verdicts (from one more, untimed pass).
run_modsec() {
    _v=""
    [ -n "${8:-}" ] && _v="-V $8"
    # shellcheck disable=SC2086 # _v is zero or two words
    cpu_timed "$7" "$MODSEC_BENCH" -n "$1" -c "$2" -r "$3" -l "$4" -p "$5" -w "$6" -j "$7.json" $_v \
        > "$7.txt"
}

# run_palisade NAME CONF CORPUS LABELS PASSES WARMUP OUT [VERDICTS]: the same with
# `palisade bench` (whose verdicts come from the first timed pass: no extra pass).
run_palisade() {
    _v=""
    [ -n "${8:-}" ] && _v="--verdicts $8"
    # shellcheck disable=SC2086 # _v is zero or two words
    cpu_timed "$7" "$PALISADE" bench --name "$1" --rules "$2" --corpus "$3" --labels "$4" \
        --passes "$5" --warmup "$6" --json "$7.json" $_v > "$7.txt"
}
