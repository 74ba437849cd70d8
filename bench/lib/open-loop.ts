/**
 * An open-loop load: calls sent at a fixed offered rate on a schedule by time, whatever the
 * server's answers do (a closed loop of N clients slows down with the server and hides a backlog).
 * Each call's latency runs from its scheduled send time, so falling behind shows up in p99.
 */
import type { CallResult } from './fleet-load.js';

/** What an open-loop run measured. */
export interface OpenLoopRun {
  /** Every answered call, in completion order; `ms` counted from its scheduled send time. */
  results: CallResult[];
  /** Calls scheduled (rate × seconds). */
  scheduled: number;
  /** Calls still unanswered `drainSeconds` after the last was sent. */
  unanswered: number;
  /** How late the sender itself was, the 99th percentile and the worst, in ms (client saturation). */
  send_lag_p99_ms: number;
  send_lag_max_ms: number;
}

/**
 * Sends call k of `work` at `k / rate` seconds after the start, for k below `rate × seconds`,
 * never waiting for earlier calls; then waits up to `drainSeconds` for the answers still out.
 */
export async function runOpenLoop(
  rate: number,
  seconds: number,
  work: (k: number) => Promise<{ ok: boolean; error?: string }>,
  drainSeconds = 30,
): Promise<OpenLoopRun> {
  const total = Math.floor(rate * seconds);
  const results: CallResult[] = [];
  const lags: number[] = [];
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const due = (k: number) => start + (k * 1000) / rate;
  const fire = (k: number) => {
    const scheduled = due(k);
    lags.push(performance.now() - scheduled);
    const p = work(k).then((r) => {
      const now = performance.now();
      results.push({ ok: r.ok, error: r.error, ms: now - scheduled, at: now - start });
      pending.delete(p);
    });
    pending.add(p);
  };
  await new Promise<void>((resolve) => {
    let k = 0;
    const tick = () => {
      const now = performance.now();
      while (k < total && due(k) <= now) fire(k++);
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, due(k) - performance.now()));
    };
    tick();
  });
  let timer: NodeJS.Timeout | undefined;
  const drained = new Promise((resolve) => (timer = setTimeout(resolve, drainSeconds * 1000)));
  await Promise.race([Promise.all(pending), drained]);
  clearTimeout(timer);
  lags.sort((a, b) => a - b);
  return {
    results,
    scheduled: total,
    unanswered: pending.size,
    send_lag_p99_ms: lags[Math.min(lags.length - 1, Math.floor(0.99 * lags.length))] ?? NaN,
    send_lag_max_ms: lags[lags.length - 1] ?? NaN,
  };
}
