#!/usr/bin/env bash
# Load test of a node over real HTTP: a fresh node per run (`detente serve --rate-limit 0`), 100,000 indicators posted
# in envelopes of 1,000, then pages of 100 read for 30 s by 4 clients walking the collection with `next`.
#   bench/node-load.sh [sqlite|postgres] [RUNS] [LOG_LEVEL]     (defaults: sqlite 3 Warning)
#   SOAK_MINUTES=10 bench/node-load.sh sqlite 1                 (then a soak: readers for 10 minutes, a 1,000-object
#                                                                envelope every 2 s, the node's memory sampled every 30 s)
# postgres needs DETENTE_TEST_POSTGRES; each run uses a schema of its own (Search Path), dropped afterwards.
# Besides wall-clock rates, it prints the CPU time the node process used per phase (from /proc), and the machine's CPU
# pressure (PSI "some", the share of time runnable work waited for a core), since the machine is shared.
set -euo pipefail
backend=${1:-sqlite}; runs=${2:-3}; level=${3:-Warning}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/detente-load-XXXX)
dotnet publish "$root/src/Detente.Cli" -c Release -o "$work/cli" >/dev/null
dotnet build "$root/bench/Detente.Load" -c Release >/dev/null
load=(dotnet "$root/bench/Detente.Load/bin/Release/net10.0/Detente.Load.dll")
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }                 # user + system, in clock ticks
ticks=$(getconf CLK_TCK)
pressure() { awk '/^some/{split($3, a, "="); print a[2]}' /proc/pressure/cpu 2>/dev/null || echo "?"; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); backend $backend; node log level $level; commit $(git -C "$root" rev-parse --short HEAD)"
for run in $(seq 1 "$runs"); do
    extra=()
    if [ "$backend" = postgres ]; then
        schema="detente_load_$$_$run"
        extra=(--postgres "${DETENTE_TEST_POSTGRES:?postgres needs DETENTE_TEST_POSTGRES};Search Path=$schema")
    fi
    "$work/cli/detente" serve --data "$work/node-$run" --urls http://127.0.0.1:0 --rate-limit 0 --log-level "$level" "${extra[@]}" \
        > "$work/node-$run.out" 2> "$work/node-$run.log" &
    node=$!
    until grep -q "Admin token" "$work/node-$run.out" 2>/dev/null; do
        kill -0 "$node" 2>/dev/null || { cat "$work/node-$run.log"; exit 1; }
        sleep 0.2
    done
    url=$(awk '/^Listening on/{print $3; exit}' "$work/node-$run.out")
    token=$(awk -F': ' '/^Admin token/{print $2}' "$work/node-$run.out")
    echo "run $run: cpu pressure avg60 before $(pressure)%"
    c0=$(cpu "$node")
    "${load[@]}" ingest --url "$url" --token "$token" --objects 100000 --envelope 1000 --concurrency 2 --seed "$run" | grep -v '^#'
    c1=$(cpu "$node")
    "${load[@]}" read --url "$url" --token "$token" --limit 100 --seconds 30 --concurrency 4 --expect 100000 | grep -v '^#'
    c2=$(cpu "$node")
    if [ -n "${SOAK_MINUTES:-}" ]; then
        "${load[@]}" soak --url "$url" --token "$token" --minutes "$SOAK_MINUTES" --sample-seconds 30 --concurrency 4 --write-every-seconds 2 \
            --seed $((run + 100)) | grep -v '^#'
    fi
    echo "run $run: node cpu ingest $(echo "scale=2; ($c1 - $c0) / $ticks" | bc) s, read (incl. warm-up) $(echo "scale=2; ($c2 - $c1) / $ticks" | bc) s; cpu pressure avg60 after $(pressure)%"
    kill "$node"; wait "$node" || true
    if [ "$backend" = postgres ]; then
        (cd / && runuser -u postgres -- psql -d detente_test -qc "DROP SCHEMA IF EXISTS $schema CASCADE") || true
    fi
done
rm -rf "$work"
