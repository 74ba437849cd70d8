/**
 * Memo maps that survive writes which do not concern them (ADR 0027). A read transaction records
 * what it read (documents by uuid, `findBy` probes, whole collections); an entry set through its
 * memo map keeps that list and the revision it read. A write records, per thing it changed, the
 * revision that changed it; an entry is valid while none of its dependencies changed after its
 * revision. Changes to the per-machine collections (`node`, `active_model`) count per document;
 * a change to any other collection drops every entry, since answers (a boot script) also depend on
 * data read outside the transaction that made them (the Microkernel image, policies, models).
 */
import { dependsOnAll, dependsOnDoc, dependsOnValue, fieldValues } from './snapshot.js';
import type { Collection, Doc } from './store.js';

/** The collections whose changes drop only the memo entries that read the changed documents. */
export const PER_MACHINE: readonly Collection[] = ['node', 'active_model'];

/**
 * Fields no memoised answer may rely on except as a lower bound: a node's `checked_in_at` (the
 * last-seen flush writes it every few seconds, ADR 0027). A change to these alone is not recorded,
 * so a memo entry may hold an older value — whoever reads it treats an old time as "look again"
 * (a steady checkin that looks timed out goes down the write path, which reads afresh).
 */
export const INFORMATIONAL: Readonly<Partial<Record<Collection, readonly string[]>>> = {
  node: ['checked_in_at'],
};

/** Does a change of `c` from `before` to `after` touch informational fields only? */
export function informationalOnly(c: Collection, before: Doc | undefined, after: Doc | null): boolean {
  const quiet = INFORMATIONAL[c];
  if (!quiet || !before || !after) return false;
  const differ = (k: string) =>
    !quiet.includes(k) &&
    before[k] !== after[k] && // a patch shares the unchanged values: no need to compare them
    JSON.stringify(before[k]) !== JSON.stringify(after[k]);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  // Scalars first: a state change is found before any large value (a node's facts) is compared.
  const isObject = (k: string) => typeof before[k] === 'object' && before[k] !== null;
  return !keys.some((k) => !isObject(k) && differ(k)) && !keys.some((k) => isObject(k) && differ(k));
}

/** Beyond this many recorded changes the record is cleared (and every entry dropped). */
const MAX_CHANGES = 200_000;

interface Entry {
  value: unknown;
  rev: number;
  deps: string[];
}

/** The memo maps of one store. */
export interface MemoTable {
  /** A set to collect one read transaction's dependencies in. */
  reads(): Set<string>;
  /** The map `name` for a read at revision `rev` whose reads are collected in `deps`. */
  view(name: string, rev: number, deps: Set<string>): Map<string, unknown>;
  /** Records one document of `c` changing at `rev` (from `before` to `after`; null: removed). */
  changed(rev: number, c: Collection, uuid: string, before: Doc | undefined, after: Doc | null): void;
  /** Drops every entry (a change outside the per-machine collections). */
  dropAll(rev: number): void;
  /** Forgets everything: the data was reloaded whole and may even be older. */
  reset(): void;
  /** How many lookups found no valid entry, per map name (for tests and profiles). */
  misses(name: string): number;
}

/** A new memo table. */
export function memoTable(): MemoTable {
  const maps = new Map<string, Map<string, Entry>>();
  const changedAt = new Map<string, number>();
  const probed = new Map<Collection, Set<string>>();
  const missCount = new Map<string, number>();
  let allChangedAt = -Infinity;
  let epoch = 0;

  const valid = (e: Entry) =>
    e.rev >= allChangedAt && e.deps.every((d) => (changedAt.get(d) ?? -Infinity) <= e.rev);
  /** Notes a `findBy` field when it is read, so later changes of it are recorded. */
  const noteProbe = (dep: string) => {
    const dot = dep.indexOf('.');
    const eq = dep.indexOf('=');
    if (dot < 0 || eq < dot || dep.indexOf('#') >= 0) return;
    const c = dep.slice(0, dot) as Collection;
    if (!probed.has(c)) probed.set(c, new Set());
    probed.get(c)?.add(dep.slice(dot + 1, eq));
  };
  const dropAll = (rev: number) => {
    allChangedAt = Math.max(allChangedAt, rev);
    for (const m of maps.values()) m.clear();
    changedAt.clear();
  };

  const view = (name: string, rev: number, deps: Set<string>): Map<string, unknown> => {
    const since = epoch;
    let entries = maps.get(name);
    if (!entries) maps.set(name, (entries = new Map()));
    const shared = entries;
    const lookup = (key: string): Entry | undefined => {
      const e = shared.get(key);
      if (e && valid(e)) return e;
      if (e) shared.delete(key);
      missCount.set(name, (missCount.get(name) ?? 0) + 1);
      return undefined;
    };
    // Only get/has/set/delete/size are the memo's; iteration sees nothing (no one needs it).
    const map = new Map<string, unknown>();
    map.get = (key) => lookup(key)?.value;
    map.has = (key) => shared.has(key) && valid(shared.get(key) as Entry);
    map.delete = (key) => shared.delete(key);
    map.set = (key, value) => {
      const e: Entry = { value, rev, deps: [...deps] };
      // An answer from data that has changed since is not kept.
      if (since === epoch && valid(e)) shared.set(key, e);
      return map;
    };
    Object.defineProperty(map, 'size', { get: () => shared.size });
    return map;
  };

  return {
    reads() {
      const set = new Set<string>();
      const add = set.add.bind(set);
      set.add = (dep) => (noteProbe(dep), add(dep));
      return set;
    },
    view,
    changed(rev, c, uuid, before, after) {
      if (informationalOnly(c, before, after)) return;
      if (!PER_MACHINE.includes(c)) return dropAll(rev);
      if (changedAt.size > MAX_CHANGES) return dropAll(rev);
      changedAt.set(dependsOnAll(c), rev);
      changedAt.set(dependsOnDoc(c, uuid), rev);
      for (const field of probed.get(c) ?? []) {
        for (const doc of [before, after])
          if (doc) for (const v of fieldValues(doc, field)) changedAt.set(dependsOnValue(c, field, v), rev);
      }
    },
    dropAll,
    reset() {
      epoch++;
      allChangedAt = -Infinity;
      for (const m of maps.values()) m.clear();
      changedAt.clear();
    },
    misses: (name) => missCount.get(name) ?? 0,
  };
}
