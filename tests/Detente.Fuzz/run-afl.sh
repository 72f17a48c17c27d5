#!/usr/bin/env bash
# Runs one fuzz target under AFL++ for a while (not part of the test suite).
#   tests/Detente.Fuzz/run-afl.sh reader|timestamp|id|flat|stix-match [SECONDS]
# Needs: apt-get install -y afl++ ; dotnet tool install --global SharpFuzz.CommandLine
set -euo pipefail
target=${1:?target: reader|timestamp|id|pattern|flat|stix-match|taxii-envelope|taxii-status|accept|taxii-query|policy-facts|ledger-note|ledger-checkpoint|ledger-tile-path|ledger-bundle|ledger-add-checkpoint|ledger-entry|ledger-vkey|psi-chunk|psi-filter|psi-session|psi-element}
seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/detente-fuzz-XXXX)
dotnet publish "$here/Detente.Fuzz.csproj" -c Release -o "$out/bin" >/dev/null
sharpfuzz "$out/bin/Detente.Stix.dll"
sharpfuzz "$out/bin/Detente.Taxii.dll"
sharpfuzz "$out/bin/Detente.Patterns.dll"
sharpfuzz "$out/bin/Detente.Policy.dll"
sharpfuzz "$out/bin/Detente.Ledger.dll"
sharpfuzz "$out/bin/Detente.Psi.dll"
mkdir -p "$out/in"
# Every target starts from the whole corpus: seeds of another format are quickly discarded by AFL++.
find "$here/Corpus" -type f -exec cp {} "$out/in/" \;
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 # shared machines: every core may be bound already
timeout "$seconds" afl-fuzz -i "$out/in" -o "$out/findings" -t 5000 -m none -- "$out/bin/Detente.Fuzz" "$target" || true
echo "findings in $out/findings (crashes: $(ls "$out/findings/default/crashes" 2>/dev/null | grep -vc README || true))"
