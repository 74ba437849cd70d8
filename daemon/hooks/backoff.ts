/** How long a hook waits before retrying a failed delivery: 1 s, 2 s, 4 s … at most 5 min (ADR 0032). */

/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;

/** The wait after failed attempt number `attempt` (1, 2, …), doubling from `baseMs`. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
}
