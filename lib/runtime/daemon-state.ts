/**
 * Whether a daemon serves a razor home, from its record (daemon-record.ts) checked against the
 * store's daemon lock (daemon-lock.ts): a live pid that holds no lock is a reused pid, not razor.
 */
import { readDaemonRecord, pidAlive, type RecordState } from './daemon-record.js';
import { lockBase, storeClaimed } from './daemon-lock.js';

/** The state of the daemon of `home` (whose store is `storePath`). */
export function daemonState(home: string, storePath: string, alive = pidAlive): RecordState {
  const found = readDaemonRecord(home, alive);
  if (found.state === 'running' && storeClaimed(lockBase(found.record.store || storePath, home)) === false)
    return { state: 'stale', record: found.record };
  return found;
}
