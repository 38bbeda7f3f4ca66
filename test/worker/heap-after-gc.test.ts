import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HeapAfterGc } from '../../src/worker/heap-after-gc.js';

// A full collection on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

/** Runs a full collection and waits for the observer to have seen it. */
async function collect(heap: HeapAfterGc): Promise<number> {
  const before = heap.bytes;
  fullGc();
  for (let i = 0; i < 100 && heap.bytes === before; i++) await new Promise((r) => setTimeout(r, 10));
  return heap.bytes;
}

describe('HeapAfterGc', () => {
  it('reports what a full collection left: the live heap, up with what is kept and down when it is dropped', async () => {
    const heap = new HeapAfterGc();
    try {
      expect(heap.bytes).toBe(0);
      const base = await collect(heap);
      expect(base).toBeGreaterThan(0);
      // ~80 MB kept alive (10 million doubles), then dropped.
      let kept: number[] | undefined = Array.from({ length: 10_000_000 }, (_, i) => i + 0.5);
      const withIt = await collect(heap);
      expect(withIt - base).toBeGreaterThan(60_000_000);
      expect(kept.length).toBe(10_000_000);
      kept = undefined;
      const without = await collect(heap);
      expect(withIt - without).toBeGreaterThan(60_000_000);
    } finally {
      heap.stop();
    }
  });
});
