#!/usr/bin/env bash
# Peak memory of 'detente COMMAND' streaming JSON lines, for two input sizes: it must not grow with the input.
#   bench/stix-lines-memory.sh [COMMAND] [SMALL] [LARGE]     (defaults: validate 100000 1000000)
set -euo pipefail
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
cmd=${1:-validate}; small=${2:-100000}; large=${3:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/detente-mem-XXXX)
dotnet publish "$root/src/Detente.Cli" -c Release -o "$work/cli" >/dev/null
dotnet build "$root/bench/Detente.Benchmarks" -c Release >/dev/null
for n in "$small" "$large"; do
    dotnet run -c Release --no-build --project "$root/bench/Detente.Benchmarks" -- generate-lines "$n" "$work/lines-$n.jsonl"
done
echo "command: detente $cmd; machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
for n in "$small" "$large"; do
    size=$(du -m "$work/lines-$n.jsonl" | cut -f1)
    for run in 1 2 3; do
        /usr/bin/time -f "%M %e" -o "$work/time" "$work/cli/detente" "$cmd" "$work/lines-$n.jsonl" >/dev/null || true
        read -r rss secs < "$work/time"
        echo "lines=$n input=${size}MiB run=$run max_rss=$((rss / 1024))MiB wall=${secs}s objects_per_s=$(python3 -c "print(int($n/$secs))")"
    done
done
rm -rf "$work"
