// Lines the slow requests of an assess run up with what the server's threads did at that moment.
//   LG_LATENCIES=/tmp/lat.txt LG_SLOW_MS=5 LG_SQL_TIME_DIR=/tmp/sql NODE_OPTIONS="--require ./bench/sql-time.cjs" \
//     node bench/service-load.mjs --ingest-seconds 5 --ingest-rate 5000 --assess-seconds 60
//   node bench/tail-episodes.mjs /tmp/lat.txt /tmp/sql [THRESHOLD_MS=10] [EPISODES=25]
// Requests at or over the threshold whose due times are less than 30 ms apart form one episode;
// episodes are listed largest first, each with every logged stall, slow statement and GC pause
// (sqlslow-<pid>-<thread>.txt, from bench/sql-time.cjs) that overlaps it, as
// `<pid>-<thread>@<ms from the episode's first request>: <what>`. The load generator's own process
// (service-load.mjs) and the client log there too when the preload is in NODE_OPTIONS.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [latFile, dir, thresholdArg = '10', episodesArg = '25'] = process.argv.slice(2);
if (!latFile || !dir) {
  console.error('usage: node bench/tail-episodes.mjs LATENCIES_FILE SQL_TIME_DIR [THRESHOLD_MS] [EPISODES]');
  process.exit(2);
}
const threshold = Number(thresholdArg);
const requests = readFileSync(latFile, 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.split(' ').map(Number));

// Each logged line as a time span: a stall or a statement is logged when it ends, a GC pause when
// it starts.
const happenings = [];
for (const file of readdirSync(dir).filter((f) => f.startsWith('sqlslow-'))) {
  const thread = file.slice('sqlslow-'.length, -'.txt'.length);
  for (const line of readFileSync(join(dir, file), 'utf8').trim().split('\n')) {
    const [iso, , ...rest] = line.split(' ');
    const what = rest.join(' ');
    const at = Date.parse(iso);
    const ms = Number(/([\d.]+) ms/.exec(what)?.[1] ?? 0);
    const gc = what.startsWith('gc ');
    happenings.push({ thread, what, start: gc ? at : at - ms, end: gc ? at + ms : at });
  }
}

const episodes = [];
let current;
for (const [due, ms] of requests) {
  if (ms < threshold) continue;
  if (current && due - current.last < 30) {
    current.last = due;
    current.count++;
    current.worst = Math.max(current.worst, ms);
  } else {
    current = { first: due, last: due, count: 1, worst: ms };
    episodes.push(current);
  }
}
const slow = episodes.reduce((n, e) => n + e.count, 0);
console.log(`${slow} of ${requests.length} requests ≥ ${threshold} ms, in ${episodes.length} episodes`);
const start = requests[0][0];
for (const e of episodes.sort((a, b) => b.count - a.count).slice(0, Number(episodesArg))) {
  const around = happenings
    .filter((h) => h.end >= e.first - 40 && h.start <= e.last + 5)
    .map((h) => `${h.thread}@${(h.start - e.first).toFixed(0)}: ${h.what}`);
  console.log(
    `+${((e.first - start) / 1000).toFixed(2)} s, ${e.count} requests, worst ${e.worst.toFixed(1)} ms | ${around.join(' | ')}`,
  );
}
