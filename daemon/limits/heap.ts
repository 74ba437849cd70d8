/**
 * How far V8 lets the daemon's heap grow past what survived the last full collection before it
 * collects again (ADR 0013, 0033). V8's own sizing lets it grow up to 4× under a high allocation
 * rate: with 10,000 nodes in the store (about 50 MB live) a daemon under checkins sat at 330 MB
 * RSS. The daemon keeps `heap_growth_percent` (default 50: collect at 1.5× the live heap), but
 * never less than `MIN_HEADROOM_BYTES` of growth: collecting a small heap that often cost a busy
 * daemon more than it saved (a lab's daemon, holding the store lock through the collections,
 * starved 50 CLI writers). The live heap is taken after every full collection. `0` leaves V8 its
 * own sizing. While any image download is under way the growth is at most 50 %:
 * under 50 downloads most request objects live just long enough to be promoted, and the heap
 * saw-tooths (ADR 0013). V8 reads the flag at every collection, so setting it at run time works.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Growth allowed over the live heap while images are sent, in percent (at most). */
export const SENDING_GROWTH_PERCENT = 50;

/** The least growth allowed past the live heap, in bytes: a small heap is not collected too often. */
export const MIN_HEADROOM_BYTES = 24 * 2 ** 20;

/** Growth percent V8 may go to (its own largest factor is 4×). */
const MAX_PERCENT = 300;

/** Chooses V8's heap growth from the live heap's size and the downloads in flight. */
export class HeapGrowth {
  private sending = 0;
  private live = 0;
  private applied = 0;
  /**
   * `percent` is `heap_growth_percent` (0: V8's own sizing); `setFlags` is V8's flag setter (a
   * test double in tests).
   */
  constructor(
    private readonly percent = 0,
    private readonly setFlags: (flags: string) => void = setFlagsFromString,
  ) {}
  /** A full collection left `liveBytes` on the heap. */
  collected(liveBytes: number): void {
    this.live = liveBytes;
    this.apply();
  }
  /** A download starts. */
  started(): void {
    this.sending++;
    this.apply();
  }
  /** A download has ended (sent, failed or abandoned). */
  ended(): void {
    this.sending--;
    this.apply();
  }
  /** Calls `collected` now and after every full collection of this process; returns the stop function. */
  watch(): () => void {
    this.collected(getHeapStatistics().used_heap_size);
    const observer = new PerformanceObserver((list) => {
      const major = list
        .getEntries()
        .some(
          (e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
        );
      if (major) this.collected(getHeapStatistics().used_heap_size);
    });
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  }
  private apply(): void {
    const resting =
      this.percent === 0 || this.live === 0
        ? this.percent
        : Math.min(MAX_PERCENT, Math.max(this.percent, Math.ceil((100 * MIN_HEADROOM_BYTES) / this.live)));
    const bound = (p: number) => (p === 0 ? SENDING_GROWTH_PERCENT : Math.min(p, SENDING_GROWTH_PERCENT));
    const want = this.sending > 0 ? bound(resting) : resting;
    if (want === this.applied) return;
    this.applied = want;
    this.setFlags(`--heap-growing-percent=${want}`);
  }
}
