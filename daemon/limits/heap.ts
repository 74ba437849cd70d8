/**
 * How far V8 lets the daemon's heap grow before a full collection, while images are being sent.
 * By default the heap may grow to up to 4× what survived the last full collection. Under 50 image
 * downloads most request objects live just long enough to be promoted, and the heap saw-tooths
 * from 20 to 75 MB (RSS up to 166 MB; ADR 0013). While any image download is under way the
 * daemon allows 1.5× instead — a full collection of a ~20 MB heap takes a few ms. It is not kept
 * on for good: with 10,000 nodes in the store the live heap is large and frequent full
 * collections cost the boot path a tenth of its rate (bench:boot 0.87× → 0.73–0.78× bare Express).
 * V8 reads the flag at every collection, so switching it at run time takes effect.
 */
import { setFlagsFromString } from 'node:v8';

/** Growth allowed over the live heap while images are sent, in percent. */
const SENDING_GROWTH_PERCENT = 50;

/** Counts downloads in flight; bounds heap growth while there is at least one. */
export class HeapWhileSending {
  private sending = 0;
  /** `setFlags` is V8's flag setter (a test double in tests). */
  constructor(private readonly setFlags: (flags: string) => void = setFlagsFromString) {}
  /** A download starts. */
  started(): void {
    if (this.sending++ === 0) this.setFlags(`--heap-growing-percent=${SENDING_GROWTH_PERCENT}`);
  }
  /** A download has ended (sent, failed or abandoned). */
  ended(): void {
    if (--this.sending === 0) this.setFlags('--heap-growing-percent=0');
  }
}
