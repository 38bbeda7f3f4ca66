import type { Queue, QueueDepth } from '../queue/queue.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * Keeps an estimate of the queue's backlog for backpressure without a query per request: the depth
 * polled every `intervalMs`, plus what the API accepted since. Also feeds the queue gauges.
 */
export class BacklogMonitor {
  private last: QueueDepth = { ready: 0, leased: 0, failed: 0, oldestEnqueuedAt: undefined };
  private acceptedSincePoll = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: Queue,
    private readonly metrics: ServiceMetrics,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => {
      this.poll().catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Events waiting (estimate): compare with the configured bound before accepting more. */
  backlog(): number {
    return this.last.ready + this.last.leased + this.acceptedSincePoll;
  }

  depth(): QueueDepth {
    return this.last;
  }

  accepted(n: number): void {
    this.acceptedSincePoll += n;
  }

  async poll(): Promise<void> {
    const depth = await this.queue.depth(this.now());
    this.last = depth;
    this.acceptedSincePoll = 0;
    this.metrics.recordQueue(depth, this.now());
  }
}
