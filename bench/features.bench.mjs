// Feature extraction cost per event, on contexts from a replay of a generated dataset.
// Usage: npm run build && node bench/features.bench.mjs [users] [days] [seed]   (defaults: 5000 × 30, seed 7)
//
// The rules run as usual; one more detector observes every context (returns undefined) and
// extracts its features into a Float32Array row, the way the ML detector will. Four figures:
//  1. in the pipeline, each call timed alone (performance.now() around it, minus the cost of the
//     same pair of timer calls around nothing, measured in another replay), best of 3: the real
//     cost, with the caches as the rules left them;
//  2. steady state: the same context extracted 16 times in a row, timed as one block (warm caches);
//  3. end to end: whole replays with the rules only and with rules + extraction, interleaved;
//     the difference per event (noisy: ±5% of ~12 µs on a shared machine is ±0.6 µs);
//  4. allocation: 2,000,000 extractions cycling through 4,096 real contexts, counting garbage collections.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { resolveScoringConfig } from '../dist/config/resolve-config.js';
import { RULE_DETECTORS } from '../dist/detect/rule-detectors.js';
import { loadAsnTable } from '../dist/enrich/asn-table.js';
import { createEnricher } from '../dist/enrich/create-enricher.js';
import { openGeoIp } from '../dist/enrich/geoip.js';
import { validateEvent } from '../dist/event/validate-event.js';
import { extractFeatures } from '../dist/features/extract-features.js';
import { FEATURE_COUNT } from '../dist/features/feature-names.js';
import { createPipeline } from '../dist/pipeline.js';
import { MemoryScoringState } from '../dist/profile/scoring-state.js';
import { generateDataset } from '../dist/simulate/generate-dataset.js';
import { buildIpPool } from '../dist/simulate/ip-pool.js';

const users = Number(process.argv[2] ?? 5000);
const days = Number(process.argv[3] ?? 30);
const seed = Number(process.argv[4] ?? 7);
const ROUNDS = 3;
const REPEAT = 16;

const geoIp = openGeoIp();
const asnTable = loadAsnTable();
const pool = buildIpPool({ geoIp, asnTable });
const enricher = createEnricher({ geoIp, asnTable });
const config = resolveScoringConfig({});

let began = performance.now();
const events = [];
for (const record of generateDataset({ users, days, seed, pool }).records) {
  const result = validateEvent(record);
  if (result.ok) events.push(result.event);
}
console.log(
  `dataset: ${users} users × ${days} days, seed ${seed}: ${events.length.toLocaleString('en-US')} events ` +
    `(generated and validated in ${((performance.now() - began) / 1000).toFixed(1)} s); ${FEATURE_COUNT} features`,
);

const row = new Float32Array(FEATURE_COUNT);
let sink = 0;

/** Replays every event through the rules plus `observe`; returns the wall time in ms. */
function replay(observe) {
  const detectors = observe ? [...RULE_DETECTORS, observe] : RULE_DETECTORS;
  const pipeline = createPipeline({ enricher, config, detectors });
  const state = new MemoryScoringState(config);
  const t0 = performance.now();
  for (const event of events) pipeline.assess(event, state);
  return performance.now() - t0;
}

const us = (ms) => (ms * 1000) / events.length;
const fmt = (x) => x.toFixed(3);

// Warm-up: enricher caches, JIT of the rules and of the extraction.
replay((ctx) => {
  extractFeatures(ctx, row);
  return undefined;
});

// 1. Each call timed alone, minus the timer pair's own cost; best of ROUNDS (other processes on a
// shared machine only ever add time).
const timedRounds = [];
const emptyRounds = [];
for (let r = 0; r < ROUNDS; r++) {
  let timed = 0;
  replay((ctx) => {
    const t0 = performance.now();
    extractFeatures(ctx, row);
    timed += performance.now() - t0;
    return undefined;
  });
  timedRounds.push(timed);
  let empty = 0;
  replay((ctx) => {
    const t0 = performance.now();
    sink += ctx.maturity;
    empty += performance.now() - t0;
    return undefined;
  });
  emptyRounds.push(empty);
}
const best = (xs) => Math.min(...xs);
console.log(
  `1. in the pipeline, per call (best of ${ROUNDS}): ${fmt(us(best(timedRounds) - best(emptyRounds)))} µs/event ` +
    `(timed ${timedRounds.map((x) => fmt(us(x))).join(' / ')}, timer pair alone ${fmt(us(best(emptyRounds)))})`,
);

// 2. Steady state: one context extracted REPEAT times in a row.
let block = 0;
replay((ctx) => {
  const t0 = performance.now();
  for (let k = 0; k < REPEAT; k++) extractFeatures(ctx, row);
  block += performance.now() - t0;
  return undefined;
});
console.log(`2. steady state (same context ×${REPEAT}): ${fmt(us(block) / REPEAT)} µs/extraction`);

// 3. Whole replays, interleaved.
const rulesOnly = [];
const withFeatures = [];
for (let r = 0; r < ROUNDS; r++) {
  rulesOnly.push(replay(undefined));
  withFeatures.push(
    replay((ctx) => {
      extractFeatures(ctx, row);
      return undefined;
    }),
  );
}
console.log(
  `3. replay (assess only, best of ${ROUNDS}): rules ${fmt(us(best(rulesOnly)))} µs/event, ` +
    `rules + features ${fmt(us(best(withFeatures)))} µs/event, difference ${fmt(us(best(withFeatures) - best(rulesOnly)))} µs/event; ` +
    `${Math.round(events.length / (best(withFeatures) / 1000)).toLocaleString('en-US')} events/s with features`,
);

// 4. Allocation: garbage collections while extracting the last 4,096 contexts of a replay over
// and over (their profiles have learned since, which changes values, not the work).
const recent = [];
{
  const pipeline = createPipeline({
    enricher,
    config,
    detectors: [
      ...RULE_DETECTORS,
      (ctx) => {
        recent.push(ctx);
        if (recent.length > 8192) recent.splice(0, 4096);
        return undefined;
      },
    ],
  });
  const state = new MemoryScoringState(config);
  for (const event of events) pipeline.assess(event, state);
}
const contexts = recent.slice(-4096);
let collections = 0;
const observer = new PerformanceObserver((list) => {
  collections += list.getEntries().length;
});
observer.observe({ entryTypes: ['gc'] });
began = performance.now();
const N = 2_000_000;
for (let i = 0; i < N; i++) extractFeatures(contexts[i & 4095], row);
const loopMs = performance.now() - began;
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
console.log(
  `4. ${N.toLocaleString('en-US')} extractions cycling through ${contexts.length} contexts: ${fmt((loopMs * 1000) / N)} µs each, ` +
    `${collections} garbage collections (young generation; no object, array or string is allocated, but V8 boxes some doubles)`,
);
if (sink < 0) console.log(sink);
