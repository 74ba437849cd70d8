/**
 * Delivery status of a home's hooks (`$RAZOR_HOME/events/hooks-state.json`): per hook its cursor in
 * the event journal and its counts, last success and last error. The daemon's dispatcher writes it
 * (atomically); `razor hook list` reads it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import { eventsDir } from '../events/journal.js';

/** The outcome of one event's delivery at a time. */
export interface HookMark {
  at: string;
  seq: number;
  /** For errors: what went wrong. */
  error?: string;
}

/** One hook's delivery status. */
export interface HookStatus {
  /** The stored hook this status is of (a hook removed and added again starts afresh). */
  uuid: string;
  /** The last event number handled (delivered, failed, dropped or not of the hook's types). */
  cursor: number;
  delivered: number;
  failed: number;
  dropped: number;
  last_success?: HookMark;
  last_error?: HookMark;
}

/** Status by hook name. */
export type HookStates = Record<string, HookStatus>;

/** Where a home's hook status lives. */
export const hookStateFile = (home: string) => join(eventsDir(home), 'hooks-state.json');

/** Reads the status file; empty when there is none or it cannot be read as status. */
export async function readHookStates(file: string): Promise<HookStates> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as HookStates) : {};
  } catch {
    return {};
  }
}

/** Writes the status file atomically (a reader sees the old or the new one, never a torn one). */
export async function writeHookStates(file: string, states: HookStates): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(states, null, 1)}\n`);
}
