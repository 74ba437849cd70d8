/**
 * A phase of fleet checkins at a fixed offered rate over several daemons (open loop, see
 * open-loop.ts), each node always on the same daemon as a Microkernel keeps its server: the
 * achieved rate, latencies from the scheduled send time, what the daemons answered, and what the
 * daemons and the load generator itself used meanwhile.
 */
import { mkClient, quantile, type CallResult } from './fleet-load.js';
import { runOpenLoop } from './open-loop.js';
import { watchProcess, type ProcessUsage } from './proc-watch.js';
import type { Server } from './servers.js';

/** p50/p99 and errors of a set of calls. */
export const latency = (results: readonly CallResult[]) => ({
  p50_ms: quantile(results, 0.5),
  p99_ms: quantile(results, 0.99),
  errors: results.filter((r) => !r.ok).length,
  first_error: results.find((r) => !r.ok)?.error,
});

/**
 * The `top` seconds of the phase with the worst p99, by when their calls were sent: a tail that
 * recurs every few seconds (a last-seen flush, a compaction) shows as evenly spaced seconds.
 */
export function slowestSeconds(results: readonly CallResult[], top = 5) {
  const bySecond = new Map<number, CallResult[]>();
  for (const r of results) {
    const second = Math.floor((r.at - r.ms) / 1000);
    bySecond.set(second, [...(bySecond.get(second) ?? []), r]);
  }
  return [...bySecond]
    .map(([second, calls]) => ({ second, calls: calls.length, p99_ms: quantile(calls, 0.99) }))
    .sort((a, b) => b.p99_ms - a.p99_ms)
    .slice(0, top);
}

/** What one phase measured; `usage` is per daemon, in `daemons` order. */
export interface CheckinPhase {
  summary: ReturnType<typeof latency> & {
    offered_per_second: number;
    seconds: number;
    interval_seconds: number;
    connections_per_daemon: number;
    scheduled: number;
    answered: number;
    achieved_per_second: number;
    unanswered: number;
    /** What the daemons told the nodes: `acknowledge` in the steady state, `register` after a timeout. */
    commands: Record<string, number>;
    send_lag_p99_ms: number;
    send_lag_max_ms: number;
    /** The load generator shares the machine: its own CPU, to tell its limits from the daemons'. */
    client_cpu_seconds: number;
    /** The seconds with the worst p99 (slowestSeconds). */
    slowest_seconds: ReturnType<typeof slowestSeconds>;
  };
  usage: ProcessUsage[];
}

/**
 * Node `hwIds[k % n]` checks in at `k / rate` s, on daemon `(k % n) % daemons.length`, for
 * `seconds`; each daemon gets `connections` keep-alive connections (calls beyond them wait, late).
 */
export async function checkinPhase(
  daemons: readonly Server[],
  hwIds: readonly string[],
  rate: number,
  seconds: number,
  connections: number,
): Promise<CheckinPhase> {
  const clients = daemons.map((d) => mkClient(d.url, connections));
  const watches = daemons.map((d) => watchProcess(d.pid));
  const cpu = process.cpuUsage();
  const commands: Record<string, number> = {};
  const run = await runOpenLoop(rate, seconds, async (k) => {
    const i = k % hwIds.length;
    const client = clients[i % clients.length] as ReturnType<typeof mkClient>;
    const r = await client.checkinAnswer(hwIds[i] as string);
    const command = r.command ?? 'none';
    commands[command] = (commands[command] ?? 0) + 1;
    return r;
  });
  const usage = watches.map((w) => w.stop());
  const { user, system } = process.cpuUsage(cpu);
  clients.forEach((c) => c.close());
  const lastAt = (run.results[run.results.length - 1]?.at ?? 0) / 1000;
  const stats = latency(run.results);
  return {
    summary: {
      offered_per_second: rate,
      seconds,
      interval_seconds: hwIds.length / rate,
      connections_per_daemon: connections,
      scheduled: run.scheduled,
      answered: run.results.length,
      achieved_per_second: run.results.filter((r) => r.ok).length / lastAt,
      ...stats,
      errors: stats.errors + run.unanswered,
      unanswered: run.unanswered,
      commands,
      send_lag_p99_ms: run.send_lag_p99_ms,
      send_lag_max_ms: run.send_lag_max_ms,
      client_cpu_seconds: (user + system) / 1e6,
      slowest_seconds: slowestSeconds(run.results),
    },
    usage,
  };
}
