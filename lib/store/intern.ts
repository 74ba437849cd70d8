/**
 * One copy of each repeated string in the stored documents (ADR 0033). A rack of one hardware model
 * sends the same fact values from every machine — CPU flags, models, vendors, disk sizes — and
 * each registration's JSON arrives as fresh strings, so 10,000 nodes held 10,000 copies of each.
 * Documents entering the snapshot have their string values swapped for an equal one seen before.
 *
 * The table is bounded, so values seen once (serial numbers, MACs) cannot grow it for ever: two
 * generations of at most `maxEntries` strings (or `maxChars` characters); when the newer one is
 * full the older is dropped, and a value found only in the older moves up. Values that keep
 * repeating stay; a dropped one only costs a second copy later. Strings longer than `maxLength`
 * are left alone.
 */

/** Limits of the intern table. */
export interface InternLimits {
  maxEntries: number;
  maxChars: number;
  maxLength: number;
}

/** Defaults: 50,000 strings or 4 M characters per generation; strings up to 4 KiB. */
export const INTERN_LIMITS: InternLimits = { maxEntries: 50_000, maxChars: 4 << 20, maxLength: 4096 };

/** Swaps strings for shared equal ones; `doc` walks a document in place (frozen parts are left). */
export interface Interner {
  string(s: string): string;
  /**
   * Replaces every string value inside `value` in place: objects and arrays, not frozen ones nor
   * ones walked before (documents are not changed once stored).
   */
  doc<T>(value: T): T;
  /** Strings held now (both generations). */
  size(): number;
}

/** A new, empty intern table. */
export function interner(limits: InternLimits = INTERN_LIMITS): Interner {
  let newer = new Map<string, string>();
  let older = new Map<string, string>();
  let chars = 0;

  const add = (s: string) => {
    if (newer.size >= limits.maxEntries || chars >= limits.maxChars) {
      older = newer;
      newer = new Map();
      chars = 0;
    }
    newer.set(s, s);
    chars += s.length;
    return s;
  };

  const string = (s: string): string => {
    if (s.length > limits.maxLength) return s;
    const hit = newer.get(s);
    if (hit !== undefined) return hit;
    return add(older.get(s) ?? s);
  };

  // Objects already walked: a patched document shares its unchanged parts (a node's facts) with
  // the stored one, so a last-seen flush does not walk every fact again.
  const walked = new WeakSet<object>();
  const doc = <T>(value: T): T => {
    if (!value || typeof value !== 'object' || Object.isFrozen(value) || walked.has(value)) return value;
    walked.add(value);
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') o[k] = string(v);
      else if (v && typeof v === 'object') doc(v);
    }
    return value;
  };

  return { string, doc, size: () => newer.size + older.size };
}
