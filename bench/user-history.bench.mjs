// How long one user's newest assessments take to read (the per-user index is led by a bucket of
// the user, src/store/user-bucket.ts: a read walks 1/64 of all assessments, newest first).
//   npm run build && node bench/user-history.bench.mjs [--assessments 1000000] [--users 20000]
// Fills a fresh SQLite file (synchronous=normal) with that many assessments, the users' rows spread
// over the whole history, then times AssessmentRepository.list({ userId, limit: 20 }) five times
// for a few users and for a user with none (a miss reads the whole bucket).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AssessmentRepository } from '../dist/store/assessment-repository.js';
import { openSqliteDatabase } from '../dist/store/database.js';
import { migrateToLatest } from '../dist/store/migrations.js';

const { values } = parseArgs({
  options: {
    assessments: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '20000' },
  },
});
const total = Number(values.assessments);
const users = Number(values.users);
const file = join(tmpdir(), `lg-user-history-${process.pid}.db`);
const db = openSqliteDatabase(file, { synchronous: 'normal', backgroundCheckpoint: false });
try {
  await migrateToLatest(db);
  const repo = new AssessmentRepository(db);
  const t0 = Date.UTC(2026, 0, 1);
  const started = performance.now();
  for (let i = 0; i < total; i += 5000) {
    const batch = [];
    for (let j = i; j < Math.min(total, i + 5000); j++) {
      batch.push({
        eventId: `e${j}`,
        // A prime stride: each user's rows are spread over the whole history.
        userId: `u${(j * 7919) % users}@example.com`,
        timestamp: new Date(t0 + j * 1000).toISOString(),
        riskScore: 0.1,
        riskLevel: 'low',
        action: 'allow',
        accountLocked: false,
        reasons: [],
        scores: { rules: 0.1 },
        context: { country: 'FR', network: 'residential', device: { type: 'desktop' } },
      });
    }
    await repo.insertMany(batch, t0);
  }
  console.log(
    `${total.toLocaleString('en-US')} assessments of ${users.toLocaleString('en-US')} users written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const userId of [
    'u1@example.com',
    'u777@example.com',
    `u${users - 1}@example.com`,
    'nobody@example.com',
  ]) {
    const ms = [];
    let found = 0;
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      found = (await repo.list({ userId, limit: 20 })).items.length;
      ms.push((performance.now() - t).toFixed(1));
    }
    console.log(`${userId}: ${found} found; ms per read: ${ms.join(', ')}`);
  }
} finally {
  await db.destroy();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}
