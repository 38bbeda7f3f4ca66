import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/**
 * The V8 heap in use just after the latest full (mark-compact) collection of this thread: what is
 * live, without the garbage that `used_heap_size` also counts between collections (on the scoring
 * thread under load a 150–700 MB sawtooth over a live heap of 140–200 MB; docs/BENCHMARKS.md). Read
 * by a GC observer, which runs shortly after the collection, so a little new allocation is in it.
 * 0 until the first full collection.
 */
export class HeapAfterGc {
  private last = 0;
  private readonly observer: PerformanceObserver;

  constructor() {
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // `detail` is on the GC entries (PerformanceEntry in the types does not have it).
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          this.last = getHeapStatistics().used_heap_size;
          return;
        }
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Bytes in use after the latest full collection (0 before the first). */
  get bytes(): number {
    return this.last;
  }

  stop(): void {
    this.observer.disconnect();
  }
}
