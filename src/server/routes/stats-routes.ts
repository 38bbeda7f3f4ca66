import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';
import { assessmentStats } from './assessment-stats.js';
import { timeRange } from './read-routes.js';

/** The bucket sizes a client may ask for. */
export const STATS_BUCKETS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};
/** More buckets than this in one answer is a mistake (or a way to make the server work). */
const MAX_BUCKETS = 2000;
const DAY_MS = 86_400_000;

const StatsQuery = Type.Object({
  from: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.Integer({ minimum: 0 })], {
      description: 'RFC 3339 or epoch ms (event time); default: `to` minus one day',
    }),
  ),
  to: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.Integer({ minimum: 0 })], {
      description: 'RFC 3339 or epoch ms, exclusive; default: now',
    }),
  ),
  bucket: Type.Union(
    Object.keys(STATS_BUCKETS).map((k) => Type.Literal(k)),
    { default: '1h' },
  ),
});

/**
 * `GET /v1/stats` (scope `read`): what the dashboard's overview shows, aggregated by the database
 * (counts by action and risk level per time bucket, top reason codes) plus the service's own state
 * (queue depth, scoring latency) from its metrics.
 */
export async function statsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const now = deps.now ?? Date.now;

  app.get(
    '/v1/stats',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Counts by action and risk level over time, top reasons, queue depth, scoring latency',
        tags: ['read'],
        querystring: StatsQuery,
      },
    },
    async (request) => {
      const q = request.query as Static<typeof StatsQuery>;
      const range = timeRange(q);
      const to = range.to ?? now();
      const from = range.from ?? to - DAY_MS;
      const bucketMs = STATS_BUCKETS[q.bucket as keyof typeof STATS_BUCKETS];
      if (from >= to) throw new ApiError('LG_ERR_VALIDATION', 'querystring/from must be before to');
      if ((to - from) / bucketMs > MAX_BUCKETS) {
        throw new ApiError(
          'LG_ERR_VALIDATION',
          `querystring/bucket: ${q.bucket} buckets over this range are more than ${MAX_BUCKETS}; pick a larger bucket`,
        );
      }
      const stats = await assessmentStats(deps.db, { from, to, bucketMs });
      const depth = deps.backlog.depth();
      return {
        ...stats,
        from: new Date(stats.from).toISOString(),
        to: new Date(stats.to).toISOString(),
        buckets: stats.buckets.map((b) => ({ ...b, t: new Date(b.t).toISOString() })),
        queue: { ready: depth.ready, leased: depth.leased, failed: depth.failed },
        latency: {
          assess: await latencyOf(deps.metrics.assessLatency),
          workerBatch: await latencyOf(deps.metrics.batchLatency),
        },
      };
    },
  );
}

/**
 * Since the process started: how many, the mean, and the 95th percentile as the upper bound of
 * the histogram bucket it falls in (`null` past the last bucket or with no observation).
 */
async function latencyOf(
  histogram: Histogram,
): Promise<{ count: number; meanMs: number | null; p95MsAtMost: number | null }> {
  const { values } = await histogram.get();
  let count = 0;
  let sum = 0;
  const buckets: { le: number; n: number }[] = [];
  for (const v of values) {
    if (v.metricName?.endsWith('_count')) count = v.value;
    else if (v.metricName?.endsWith('_sum')) sum = v.value;
    else if (v.metricName?.endsWith('_bucket')) buckets.push({ le: Number(v.labels.le), n: v.value });
  }
  if (count === 0) return { count, meanMs: null, p95MsAtMost: null };
  buckets.sort((a, b) => a.le - b.le);
  const p95 = buckets.find((b) => b.n >= 0.95 * count)?.le;
  return {
    count,
    meanMs: Math.round((sum / count) * 1e6) / 1e3,
    p95MsAtMost: p95 === undefined || !Number.isFinite(p95) ? null : p95 * 1000,
  };
}
