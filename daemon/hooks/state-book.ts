/**
 * The dispatcher's record of each hook's delivery status (lib/hooks/hook-state.ts), kept in memory
 * and written to `hooks-state.json` a moment after it changes (debounced, atomically), so a burst
 * of deliveries costs one write; `flush` writes now (on the way out).
 */
import {
  readHookStates,
  writeHookStates,
  type HookStates,
  type HookStatus,
} from '../../lib/hooks/hook-state.js';

/** The status records of the dispatcher's hooks. */
export interface HookStateBook {
  /** The status of hook `name` stored as `uuid`; a fresh one at `cursor` when there is none of that hook. */
  status(name: string, uuid: string, cursor: number): HookStatus;
  /** Changes a hook's status (its record must exist) and schedules a write. */
  update(name: string, change: (s: HookStatus) => void): void;
  /** Forgets hook `name` (removed from the store). */
  forget(name: string): void;
  /** Writes what changed, now. */
  flush(): Promise<void>;
}

/** A book over `file` (its current contents loaded), writing `debounceMs` after a change. */
export async function hookStateBook(
  file: string,
  opts: { debounceMs?: number; onError?: (err: Error) => void } = {},
): Promise<HookStateBook> {
  const states: HookStates = await readHookStates(file);
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  const write = () => {
    timer = undefined;
    if (!dirty) return writing;
    dirty = false;
    const snapshot = JSON.parse(JSON.stringify(states)) as HookStates;
    writing = writing.then(() => writeHookStates(file, snapshot)).catch((err: Error) => opts.onError?.(err));
    return writing;
  };
  const changed = () => {
    dirty = true;
    timer ??= setTimeout(write, opts.debounceMs ?? 1000).unref();
  };
  return {
    status(name, uuid, cursor) {
      const s = states[name];
      if (s?.uuid === uuid) return s;
      states[name] = { uuid, cursor, delivered: 0, failed: 0, dropped: 0 };
      changed();
      return states[name];
    },
    update(name, change) {
      const s = states[name];
      if (!s) return;
      change(s);
      changed();
    },
    forget(name) {
      if (!(name in states)) return;
      delete states[name];
      changed();
    },
    async flush() {
      clearTimeout(timer);
      await write();
    },
  };
}
