// Open-loop HTTP load for latency: request i is sent at start + i/rate whatever happened to the
// earlier ones, and its latency runs from that scheduled time to the end of its response, so a
// stall counts for every request it delayed (no coordinated omission). Run as its own small
// process by bench/service-load.mjs, so that the generator's heap (hundreds of MB of prepared
// batches) and its garbage collections are not in the measured path.
//   node bench/open-loop-client.mjs URL KEY BODIES_FILE RATE SECONDS [WARMUP_SECONDS]  → one JSON line
// The first WARMUP_SECONDS of requests (default 0) are sent the same way but reported apart
// (`warmup`), not in the percentiles: a server just started compiles its hot paths and the client
// opens its connections then.
// LG_LATENCIES=FILE also writes every request's due time (epoch ms) and latency (ms), one per line,
// to line the whole tail up with server-side traces.
// Not autocannon: its --overallRate lets each connection send its per-second quota back to back
// at the top of every second, so "1,000/s" over 32 connections is a burst of 32 concurrent
// requests for part of each second and nothing for the rest; its latencies are that burst's queueing.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const [url, key, bodiesFile, rateArg, secondsArg, warmupArg = '0'] = process.argv.slice(2);
const rate = Number(rateArg);
const warm = Math.round(Number(warmupArg) * rate);
const total = warm + Math.round(Number(secondsArg) * rate);
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const latencies = new Float64Array(total);
const worstBySecond = [];
const counts = { ok: 0, other: 0, errors: 0 };

const began = performance.now();
const beganWall = Date.now();
await new Promise((resolve) => {
  let sent = 0;
  let done = 0;
  const finish = (i, scheduled) => {
    const ms = performance.now() - scheduled;
    latencies[i] = ms;
    const second = Math.floor((scheduled - began) / 1000);
    worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, Math.round(ms));
    if (++done === total) resolve();
  };
  const send = (i, scheduled) => {
    const body = bodies[i % bodies.length];
    const req = http.request(
      target,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) counts.ok++;
          else counts.other++;
          finish(i, scheduled);
        });
      },
    );
    req.on('error', () => {
      counts.errors++;
      finish(i, scheduled);
    });
    req.end(body);
  };
  const tick = () => {
    const now = performance.now();
    while (sent < total && began + (sent * 1000) / rate <= now) {
      send(sent, began + (sent * 1000) / rate);
      sent++;
    }
    if (sent < total) setTimeout(tick, Math.max(0, began + (sent * 1000) / rate - performance.now()));
  };
  tick();
});
agent.destroy();
if (process.env.LG_LATENCIES) {
  const lines = Array.from(
    latencies,
    (ms, i) => `${(beganWall + (i * 1000) / rate).toFixed(0)} ${ms.toFixed(2)}`,
  );
  writeFileSync(process.env.LG_LATENCIES, `${lines.join('\n')}\n`);
}
const percentiles = (values) => {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const at = (p) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(1));
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) };
};
console.log(
  JSON.stringify({
    ...counts,
    seconds: (performance.now() - began) / 1000,
    ...percentiles(latencies.subarray(warm)),
    warmup: warm > 0 ? percentiles(latencies.subarray(0, warm)) : undefined,
    worstBySecond,
    // The ten slowest measured requests, by when they were due (wall clock): to line them up with
    // server-side traces (bench/sql-time.cjs with LG_SLOW_MS).
    slowest: Array.from(latencies.subarray(warm), (ms, i) => ({ i: i + warm, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10)
      .map(({ i, ms }) => ({
        at: new Date(beganWall + (i * 1000) / rate).toISOString(),
        ms: Number(ms.toFixed(1)),
      })),
  }),
);
