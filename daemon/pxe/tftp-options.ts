/**
 * TFTP option negotiation (RFC 2347): blksize (RFC 2348), timeout and tsize (RFC 2349) and
 * windowsize (RFC 7440). Unknown or unreadable options are left out of the OACK, as RFC 2347 asks.
 */

/** What a transfer runs with after negotiation. */
export interface TransferSettings {
  /** Bytes per DATA packet. */
  readonly blockSize: number;
  /** Blocks sent before waiting for an ACK. */
  readonly windowSize: number;
  /** Milliseconds to wait for an ACK before sending the window again. */
  readonly timeoutMs: number;
}

/** Limits and defaults the server applies. */
export interface OptionLimits {
  /** Largest blksize accepted (clamped down to it); RFC 2348 allows up to 65464. */
  readonly maxBlockSize: number;
  /** Largest windowsize accepted (clamped down to it). */
  readonly maxWindowSize: number;
  /** Retransmission timeout when the client names none. */
  readonly defaultTimeoutMs: number;
}

/** Sensible server limits: blksize up to 65464, windows up to 64 blocks, 1 s timeout. */
export const DEFAULT_LIMITS: OptionLimits = {
  maxBlockSize: 65464,
  maxWindowSize: 64,
  defaultTimeoutMs: 1000,
};

const whole = (v: string): number | undefined => (/^\d{1,9}$/.test(v) ? Number(v) : undefined);

/**
 * Negotiates `requested` for a file of `size` bytes: the settings to use and the options to
 * acknowledge (empty: no OACK, plain RFC 1350 transfer).
 */
export function negotiate(
  requested: ReadonlyMap<string, string>,
  size: number,
  limits: OptionLimits = DEFAULT_LIMITS,
): { settings: TransferSettings; accepted: Map<string, string> } {
  const accepted = new Map<string, string>();
  let blockSize = 512;
  let windowSize = 1;
  let timeoutMs = limits.defaultTimeoutMs;
  const blk = whole(requested.get('blksize') ?? '');
  if (blk !== undefined && blk >= 8) {
    blockSize = Math.min(blk, limits.maxBlockSize);
    accepted.set('blksize', String(blockSize));
  }
  const secs = whole(requested.get('timeout') ?? '');
  if (secs !== undefined && secs >= 1 && secs <= 255) {
    timeoutMs = secs * 1000;
    accepted.set('timeout', String(secs));
  }
  if (requested.has('tsize')) accepted.set('tsize', String(size));
  const win = whole(requested.get('windowsize') ?? '');
  if (win !== undefined && win >= 1) {
    windowSize = Math.min(win, limits.maxWindowSize);
    accepted.set('windowsize', String(windowSize));
  }
  return { settings: { blockSize, windowSize, timeoutMs }, accepted };
}
