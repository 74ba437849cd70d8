/**
 * `razor daemon` once it listens: the periodic sweep of timed-out installs, SIGHUP to reopen the
 * log (logrotate), and SIGTERM/SIGINT to stop gracefully — requests in flight finish, the store
 * closes, the log is flushed.
 */
import { sweepTimeouts } from '../lib/engine/sweeper.js';
import type { FileLogger } from '../daemon/logs/log-file.js';
import type { Deps } from '../lib/verbs/context.js';

/** What serving needs: the deps, the log, and what to stop on the way out. */
export interface Serving {
  deps: Deps;
  log: FileLogger;
  /** Each listener's graceful stop (HTTP ports, the local socket, PXE services). */
  stops: ReadonlyArray<() => Promise<unknown>>;
  /** Last, once the store is closed: the daemon's record and lock go (bin/daemon-runtime.ts). */
  withdraw?: () => void;
}

/** Serves until SIGTERM/SIGINT; resolves with the exit status. */
export function serveUntilSignal({ deps, log, stops, withdraw }: Serving): Promise<number> {
  const sweep = setInterval(() => {
    sweepTimeouts(deps)
      .then((moved) => moved.length && log.warn({ active_models: moved }, 'installs timed out'))
      .catch((err: unknown) => log.error({ err }, 'sweep failed'));
  }, deps.config.values.daemon_min_cycle_time * 1000);
  sweep.unref();
  deps.lastSeen?.start(); // steady-state checkins' times, written every few seconds (ADR 0027)
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(sweep);
      process.stdout.write(`razor daemon: ${signal}, finishing requests in flight…\n`);
      log.info({ signal }, 'shutting down');
      await Promise.all(stops.map((s) => s()));
      await deps.lastSeen?.close().catch((err: unknown) => log.error({ err }, 'last-seen times not written'));
      await deps.store.close();
      withdraw?.();
      log.flush();
      process.stdout.write('razor daemon: stopped\n');
      resolve(0);
    };
    // logrotate (or `systemctl reload razor`) moved the log: continue in a new file.
    process.on('SIGHUP', () => void log.reopen().then(() => log.info('log file reopened (SIGHUP)')));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
