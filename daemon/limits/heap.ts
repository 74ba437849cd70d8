/**
 * How far V8 lets the daemon's heap grow past what survived the last full collection before it
 * collects again (ADR 0013, 0033). V8's own sizing lets it grow up to 4× under a high allocation
 * rate: with 10,000 nodes in the store (about 50 MB live) a daemon under checkins sat at 330 MB
 * RSS. The daemon therefore keeps `heap_growth_percent` (default 50: collect at 1.5× the live
 * heap) all the time; 0 gives V8 back its own sizing (fewer collections, up to twice the memory).
 * While any image download is under way the growth is at most 50 %: under 50 downloads most
 * request objects live just long enough to be promoted, and the heap saw-tooths (ADR 0013).
 * V8 reads the flag at every collection, so switching it at run time takes effect.
 */
import { setFlagsFromString } from 'node:v8';

/** Growth allowed over the live heap while images are sent, in percent (at most). */
export const SENDING_GROWTH_PERCENT = 50;

const flag = (percent: number) => `--heap-growing-percent=${percent}`;

/** Keeps the configured heap growth; bounds it further while downloads are in flight. */
export class HeapWhileSending {
  private sending = 0;
  private readonly whileSending: number;
  /**
   * `restingPercent` is `heap_growth_percent` (applied now, 0: V8's own); `setFlags` is V8's flag
   * setter (a test double in tests).
   */
  constructor(
    private readonly restingPercent = 0,
    private readonly setFlags: (flags: string) => void = setFlagsFromString,
  ) {
    this.whileSending =
      restingPercent === 0 ? SENDING_GROWTH_PERCENT : Math.min(restingPercent, SENDING_GROWTH_PERCENT);
    if (restingPercent !== 0) setFlags(flag(restingPercent));
  }
  /** A download starts. */
  started(): void {
    if (this.sending++ === 0 && this.whileSending !== this.restingPercent)
      this.setFlags(flag(this.whileSending));
  }
  /** A download has ended (sent, failed or abandoned). */
  ended(): void {
    if (--this.sending === 0 && this.whileSending !== this.restingPercent)
      this.setFlags(flag(this.restingPercent));
  }
}
