#!/usr/bin/env bash
# Replay throughput, end to end: read + validate + enrich + assess + write one assessment per event.
# Usage: bash bench/replay.sh [users] [days] [seed]    (defaults: 10000 users × 30 days, seed 7)
# Generates the dataset once (cached in bench/.data), then times `loginguard replay` on it.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-14000}
days=${2:-30}
seed=${3:-7}
mkdir -p bench/.data
data="bench/.data/u${users}-d${days}-s${seed}.jsonl"
[ -f dist/cli/main.js ] || npm run build >/dev/null
if [ ! -f "$data" ]; then
  echo "generating $data"
  /usr/bin/time -f "generate: %e s wall, max RSS %M KB" \
    node bin/loginguard.js generate --users "$users" --days "$days" --seed "$seed" --out "$data"
fi
events=$(wc -l <"$data")
echo "replaying $events events ($(du -h "$data" | cut -f1))"
/usr/bin/time -f "replay: %e s wall, %U s user, max RSS %M KB" \
  node bin/loginguard.js replay "$data" --out /dev/null --no-progress --metrics bench/.data/metrics.json
node -e '
const m = require("./bench/.data/metrics.json");
console.log(`events/s (replay, end to end): ${Math.round(m.events / m.seconds).toLocaleString("en-US")}`);
'
