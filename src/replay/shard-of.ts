/**
 * Which of `shards` threads scores this user: FNV-1a of the user id, modulo the thread count.
 * Hand-written (8 lines) because it must be identical in every thread and cheap per event.
 */
export function shardOf(userId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
