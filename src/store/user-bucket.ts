/**
 * How many buckets users are spread over in the per-user indexes of the queue and the
 * assessments. Stored in the rows (`user_bucket`): changing it needs a migration that recomputes
 * the column.
 */
export const USER_BUCKETS = 64;

/**
 * The bucket (0..63) of a user: FNV-1a (32 bits) over the UTF-16 code units of the id, modulo
 * {@link USER_BUCKETS}. Written by hand: a dozen lines, and it must never change (the value is
 * stored); no library promises that.
 *
 * Why buckets: an index led by the user id takes each new row at a random place, and a B-tree
 * insert at a random place rewrites a whole page (4 KB) in the WAL at the next commit and again at
 * the next checkpoint. Led by the bucket and then by time (or queue order), new rows go to the end
 * of one of 64 runs: a commit of a few hundred events rewrites at most 64 pages instead of one per
 * event (bench/service-load.mjs, docs/BENCHMARKS.md). The price is on the read side: one user's
 * rows are found by walking their bucket newest first and keeping that user's, 1/64 of the rows.
 *
 * @example
 * userBucket('alice@example.com'); // 6, on every machine and every version
 */
export function userBucket(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % USER_BUCKETS;
}
