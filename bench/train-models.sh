#!/usr/bin/env bash
# Trains the anomaly models on a month of a development seed's logins (14,000 users × 30 days,
# seed 7, 1,034,448 events — the replay benchmark's file) and times it.
# Usage: bash bench/train-models.sh [out_dir]   (default bench/.data/models-s7)
# Then: bash bench/detection.sh bench/.data/models-s7
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/.data/models-s7}
data=bench/.data/u14000-d30-s7.jsonl
mkdir -p bench/.data
[ -f dist/cli/main.js ] || npm run build >/dev/null
[ -f "$data" ] || node bin/loginguard.js generate --users 14000 --days 30 --seed 7 --out "$data"
/usr/bin/time -f "train: %e s wall, %U s user, max RSS %M KB" \
  node bin/loginguard.js train --input "$data" --out "$out" --seed 7 --no-progress
