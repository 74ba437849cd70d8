/**
 * Which stored objects still use an object a verb removes (a policy naming a tag rule's tag, a
 * policy's model, a model's image), declared once per removal verb as `inUseBy`.
 */
import { RazorError } from '../errors.js';
import type { Collection, Doc, StoreReader } from '../store/store.js';

/** Objects of `collection` whose `field` holds the removed object's `key` (default `uuid`). */
export interface InUseBy {
  readonly collection: Collection;
  /** The user's field: a value, or a list that contains the key. */
  readonly field: string;
  /** The removed object's field the users refer to: `uuid`, or `tag` for a tag rule's tag. */
  readonly key?: string;
}

/** One removed object and who uses it, e.g. `policy 3Xz…, 9Qa…`. */
export interface Usage {
  readonly doc: Doc;
  readonly users: readonly string[];
}

const refersTo = (value: unknown, key: unknown) =>
  key !== undefined && (Array.isArray(value) ? value.includes(key) : value === key);

/** The users of `doc`, one phrase per collection (`policy A, B`); empty when nothing uses it. */
export async function usersOf(doc: Doc, inUseBy: readonly InUseBy[], r: StoreReader): Promise<string[]> {
  const phrases: string[] = [];
  for (const { collection, field, key } of inUseBy) {
    const users = (await r.all(collection)).filter((x) => refersTo(x[field], doc[key ?? 'uuid']));
    if (users.length) phrases.push(`${collection} ${users.map((u) => u.uuid).join(', ')}`);
  }
  return phrases;
}

/** The objects among `docs` that something uses, with their users. */
export async function usagesOf(
  docs: readonly Doc[],
  inUseBy: readonly InUseBy[],
  r: StoreReader,
): Promise<Usage[]> {
  const found: Usage[] = [];
  for (const doc of docs) {
    const users = await usersOf(doc, inUseBy, r);
    if (users.length) found.push({ doc, users });
  }
  return found;
}

/** `tag rule 1a… is used by policy 3X…` for each usage, joined by `; `. */
export function describeUsages(noun: string, usages: readonly Usage[]): string {
  return usages.map((u) => `${noun} ${u.doc.uuid} is used by ${u.users.join(' and ')}`).join('; ');
}

/** Refuses (CouldNotRemove, naming the users) to remove what something still uses, unless forced. */
export async function refuseIfUsed(
  noun: string,
  docs: readonly Doc[],
  inUseBy: readonly InUseBy[] | undefined,
  r: StoreReader,
): Promise<void> {
  const usages = await usagesOf(docs, inUseBy ?? [], r);
  if (usages.length) {
    throw new RazorError(
      'CouldNotRemove',
      `${describeUsages(noun, usages.slice(0, 1))}; remove or change those first, or pass --force to remove it anyway`,
    );
  }
}
