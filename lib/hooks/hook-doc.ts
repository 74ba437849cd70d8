/**
 * Hooks (issue 16, ADR 0032): a program to run or a URL to POST to for each event of chosen types.
 * The stored document, and the checks a new hook's target and event types must pass.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { RazorError } from '../errors.js';
import { EVENT_TYPES, isEventType, type EventType } from '../events/event-types.js';
import type { Doc } from '../store/store.js';

/** A hook as stored. */
export interface HookDoc extends Doc {
  name: string;
  /** `script`: run `target` with the event on stdin; `url`: POST the event to `target`. */
  kind: 'script' | 'url';
  target: string;
  /** The event types delivered; empty: every type. */
  events: EventType[];
  /** Seconds one delivery may take. */
  timeout: number;
  /** Deliveries of one event tried before it is counted failed. */
  max_attempts: number;
  /** Key of the HMAC-SHA256 signature of URL deliveries. */
  secret?: string;
  /** The journal's last event number when the hook was added: it gets the events after it. */
  start_seq: number;
  created_at: string;
  updated_at: string;
}

/** What a hook's name may be: a word of letters, digits, `.`, `_` and `-`. */
export const HOOK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The event types named by `names`, or an InputError naming the unknown ones and the known ones. */
export function hookEventTypes(names: readonly string[]): EventType[] {
  const unknown = names.filter((n) => !isEventType(n));
  if (unknown.length)
    throw new RazorError(
      'InputError',
      `events: unknown event type ${unknown.map((n) => `'${n}'`).join(', ')}; the event types are ${EVENT_TYPES.join(', ')}`,
    );
  return names as EventType[];
}

/**
 * Checks a script hook's program: an absolute path to an existing regular file that is executable
 * and that neither its group nor others may change (the daemon runs it as its own user).
 */
export async function checkHookScript(path: string): Promise<void> {
  const bad = (why: string) => new RazorError('InputError', `script: ${path} ${why}`);
  if (!isAbsolute(path)) throw bad('is not an absolute path');
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw bad(err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code ?? err.message})`);
  });
  if (!st.isFile()) throw bad('is not a regular file');
  if ((st.mode & 0o111) === 0) throw bad('is not executable (chmod +x)');
  if ((st.mode & 0o022) !== 0)
    throw bad('is writable by its group or by others: anyone who can change it could run code as razor');
}

/** Checks a URL hook's address: `http(s)://host…`; returns it normalized. */
export function checkHookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RazorError('InputError', `url: '${url}' is not a URL (http://host/path or https://host/path)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new RazorError('InputError', `url: '${url}' must use http or https, not ${parsed.protocol}`);
  if (!parsed.hostname) throw new RazorError('InputError', `url: '${url}' names no host`);
  return parsed.href;
}

/** The target of a new hook: exactly one of a script and a URL, checked. */
export async function hookTarget(input: {
  script?: string | undefined;
  url?: string | undefined;
}): Promise<Pick<HookDoc, 'kind' | 'target'>> {
  if (input.script !== undefined && input.url !== undefined)
    throw new RazorError('InputError', 'give either --script or --url, not both');
  if (input.script !== undefined) {
    await checkHookScript(input.script);
    return { kind: 'script', target: input.script };
  }
  if (input.url !== undefined) return { kind: 'url', target: checkHookUrl(input.url) };
  throw new RazorError('MissingArgument', 'a hook needs --script /absolute/path or --url http(s)://…');
}

/** A hook as clients see it: the secret is only said to be set. */
export function presentHook(doc: Doc): Record<string, unknown> {
  const { secret, ...rest } = doc as HookDoc;
  return secret ? { ...rest, secret: '(set)' } : rest;
}
