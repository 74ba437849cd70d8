/**
 * What a verb's success does, declared per verb for the effects contract test: what the response
 * holds, which store documents it adds, changes and removes, and which image folders appear or go.
 * Anything a declaration does not name must stay exactly as it was.
 */
import type { VerbInput } from '../../../lib/verbs/spec.js';

/** The store's collections as plain data: collection → uuid → document. */
export type Collections = Record<string, Record<string, Record<string, unknown>>>;

/** What an effect's checks are given about one successful call. */
export interface Outcome {
  /** The case's input, placeholders filled with seeded UUIDs. */
  input: VerbInput;
  /** The envelope's `response` (JSON verbs) or the body text (text/plain verbs). */
  response: unknown;
  /** The whole envelope for JSON verbs (extra keys such as `client_config`); undefined for text. */
  envelope: Record<string, unknown> | undefined;
  before: Collections;
  after: Collections;
  /** UUIDs of the documents the call added, by collection. */
  added: Record<string, string[]>;
  /** True when the call came over HTTP (it has a client address). */
  overHttp: boolean;
}

/** Which documents a call adds (how many), changes and removes (which, or every one). */
export interface StoreChange {
  added?: Record<string, number>;
  changed?: Record<string, string[]>;
  removed?: Record<string, string[] | 'all'>;
}

/** Image folders (`<image_svc_path>/<type>/<uuid>`) a call adds (how many) or removes. */
export interface FileChange {
  added?: number;
  removed?: string[] | 'all';
}

/** The declared effect of one verb. */
export interface Effect {
  /** Expectations on the response (use `expect`). */
  response: (o: Outcome) => void;
  /**
   * `unchanged`: the store file's bytes are identical afterwards. A function picks by the input and
   * by whether the call came over HTTP (boots record the client's address).
   */
  store: 'unchanged' | StoreChange | ((input: VerbInput, overHttp: boolean) => 'unchanged' | StoreChange);
  /** Image folders; left out: the image tree is exactly as before. A function picks by input. */
  files?: FileChange | ((input: VerbInput) => FileChange);
  /** Expectations on the changed documents themselves (use `expect`). */
  check?: (o: Outcome) => void;
  /** Changes the seeded store before the call, so the effect can show (enable a disabled policy). */
  prepare?: (seed: Collections) => void;
  /** Puts files into the fresh RAZOR_HOME before the call (a log to read). */
  prepareHome?: (home: string) => void;
}

/** Effects of one slice's verbs, keyed by verb name (`matcher add`, `remove-all`). */
export type SliceEffects = Readonly<Record<string, Effect>>;

/** The store change a call made, in the terms of `StoreChange` (uuids for every kind). */
export interface StoreDiff {
  added: Record<string, string[]>;
  changed: Record<string, string[]>;
  removed: Record<string, string[]>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares two stores document by document. */
export function diffStores(before: Collections, after: Collections): StoreDiff {
  const diff: StoreDiff = { added: {}, changed: {}, removed: {} };
  const put = (kind: keyof StoreDiff, coll: string, uuid: string) => (diff[kind][coll] ??= []).push(uuid);
  for (const coll of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[coll] ?? {};
    const a = after[coll] ?? {};
    for (const uuid of Object.keys(a)) {
      if (!(uuid in b)) put('added', coll, uuid);
      else if (!same(a[uuid], b[uuid])) put('changed', coll, uuid);
    }
    for (const uuid of Object.keys(b)) if (!(uuid in a)) put('removed', coll, uuid);
  }
  for (const kind of Object.values(diff) as Record<string, string[]>[]) {
    for (const list of Object.values(kind)) list.sort();
  }
  return diff;
}

/**
 * The diff a declaration stands for, given the store before: counts become the observed added
 * UUIDs (so only the count is compared), `all` becomes every UUID the collection held.
 */
export function expectedDiff(want: StoreChange, before: Collections, actual: StoreDiff): StoreDiff {
  const diff: StoreDiff = { added: {}, changed: {}, removed: {} };
  for (const [coll, n] of Object.entries(want.added ?? {})) {
    const seen = actual.added[coll] ?? [];
    diff.added[coll] = seen.length === n ? seen : Array.from({ length: n }, (_, i) => `<new ${i + 1}>`);
  }
  for (const [coll, uuids] of Object.entries(want.changed ?? {})) diff.changed[coll] = [...uuids].sort();
  for (const [coll, uuids] of Object.entries(want.removed ?? {})) {
    diff.removed[coll] = (uuids === 'all' ? Object.keys(before[coll] ?? {}) : [...uuids]).sort();
  }
  return diff;
}

/** The image folders a declaration stands for, given the folders before and after. */
export function expectedFolders(want: FileChange | undefined, before: string[], after: string[]): string[] {
  const gone = want?.removed === 'all' ? before : (want?.removed ?? []);
  const kept = before.filter((f) => !gone.some((g) => f === g || f.endsWith(`/${g}`)));
  const fresh = after.filter((f) => !before.includes(f));
  const n = want?.added ?? 0;
  const added = fresh.length === n ? fresh : Array.from({ length: n }, (_, i) => `<new folder ${i + 1}>`);
  return [...kept, ...added].sort();
}
