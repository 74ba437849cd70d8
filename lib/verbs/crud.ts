/**
 * Verb builders shared by the slices: list (with the original's filters), get, remove, remove all.
 * Slices declare their own add/update; the repeated read-only verbs come from here.
 */
import { RazorError } from '../errors.js';
import { field } from './fields.js';
import { defineVerb, type VerbSpec } from './spec.js';
import type { RefCollection } from './fields.js';
import type { Collection, Doc, StoreReader } from '../store/store.js';
import type { VerbContext } from './context.js';

/** Turns a stored document into what clients see (redacted, with computed fields). */
export type Presenter = (doc: Doc, ctx: VerbContext, r: StoreReader) => Promise<Record<string, unknown>>;

/** The identity presenter. */
export const asIs: Presenter = async (doc) => doc;

/** Reads a document that must exist, or throws NotFound naming it. */
export async function mustGet<T extends Doc = Doc>(r: StoreReader, c: Collection, uuid: string): Promise<T> {
  const d = await r.get<T>(c, uuid);
  if (!d) throw new RazorError('NotFound', `Not found: no ${c} ${uuid}`);
  return d;
}

function lookupPath(o: unknown, key: string): { found: boolean; value: unknown } {
  let cur: unknown = o;
  for (const part of key.replace(/\]/g, '').split(/[.[]/)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part))
      return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

/**
 * The original's list filter: each key must exist; `""` means "exists", `regex:<re>` matches,
 * `true`/`false` compare as booleans, anything else compares as text.
 */
export function matchesFilter(o: Record<string, unknown>, filter: Readonly<Record<string, string>>): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const { found, value } = lookupPath(o, key);
    if (!found) return false;
    if (want === '') return true;
    if (want.startsWith('regex:')) {
      let re: RegExp;
      try {
        re = new RegExp(want.slice(6));
      } catch (err) {
        throw new RazorError(
          'InputError',
          `filter '${key}': bad regular expression: ${(err as Error).message}`,
        );
      }
      return re.test(typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (want === 'true' || want === 'false') return String(value) === want;
    return (typeof value === 'string' ? value : JSON.stringify(value)) === want;
  });
}

/** Options for the generated read/remove verbs of one collection. */
export interface CrudOptions {
  slice: string;
  collection: RefCollection;
  /** The noun in messages and help: "policy", "tag rule". */
  noun: string;
  present?: Presenter;
  /** Sort order of lists; default by creation time then uuid. */
  sort?: (a: Doc, b: Doc) => number;
  /** Objects that refer to this one: removal is refused (CouldNotRemove) while any exist. */
  usedBy?: readonly { collection: Collection; field: string }[];
  /** Extra changes in the same transaction as a removal (e.g. the policy table). */
  onRemove?: (doc: Doc, w: import('../store/store.js').StoreWriter) => Promise<void>;
  /** Work outside the store once a removal has committed (e.g. deleting an image's files). */
  afterRemove?: (doc: Doc, ctx: VerbContext) => Promise<void>;
}

/** Refuses to remove `doc` while objects named in `usedBy` still refer to it. */
async function refuseIfUsed(o: CrudOptions, doc: Doc, r: StoreReader): Promise<void> {
  for (const { collection, field } of o.usedBy ?? []) {
    const users = (await r.all(collection)).filter((x) => x[field] === doc.uuid);
    if (users.length) {
      throw new RazorError(
        'CouldNotRemove',
        `${o.noun} ${doc.uuid} is used by ${collection} ${users.map((u) => u.uuid).join(', ')}; remove or change those first`,
      );
    }
  }
}

const byCreated = (a: Doc, b: Doc) =>
  String(a.created_at ?? '').localeCompare(String(b.created_at ?? '')) || a.uuid.localeCompare(b.uuid);

/** `razor <slice> [get] [all]`: the list, optionally filtered. */
export function listVerb(o: CrudOptions & { summary?: string }): VerbSpec {
  const present = o.present ?? asIs;
  return defineVerb({
    name: 'list',
    summary: o.summary ?? `List every ${o.noun}`,
    fields: {},
    forms: ['', 'default', 'get', 'all', 'get all'],
    filter: true,
    success: 'ok',
    http: 'GET',
    path: '',
    view: 'table',
    command: `${o.slice}_query_all`,
    sample: {},
    handler: async (input, ctx) =>
      ctx.store.read(async (r) => {
        const docs = (await r.all(o.collection)).sort(o.sort ?? byCreated);
        const shown = await Promise.all(docs.map((d) => present(d, ctx, r)));
        const filter = (input.filter ?? {}) as Record<string, string>;
        return shown.filter((d) => matchesFilter(d, filter));
      }),
  });
}

/** `razor <slice> [get] <uuid>`: one object. */
export function getVerb(o: CrudOptions & { fields?: VerbSpec['fields'] }): VerbSpec {
  const present = o.present ?? asIs;
  return defineVerb({
    name: 'get',
    summary: `Show one ${o.noun}`,
    fields: {
      uuid: field.uuid(o.collection, {
        help: `UUID of the ${o.noun} (any unique part of it)`,
        required: true,
      }),
    },
    positional: ['uuid'],
    forms: [':uuid'],
    success: 'ok',
    http: 'GET',
    path: ':uuid',
    view: 'item',
    sample: { uuid: `{${o.collection}}` },
    handler: async (input, ctx) =>
      ctx.store.read(async (r) => [
        await present(await mustGet(r, o.collection, input.uuid as string), ctx, r),
      ]),
  });
}

/** `razor <slice> remove <uuid>`. */
export function removeVerb(o: CrudOptions): VerbSpec {
  return defineVerb({
    name: 'remove',
    summary: `Remove one ${o.noun}`,
    fields: { uuid: field.uuid(o.collection, { help: `UUID of the ${o.noun} to remove`, required: true }) },
    positional: ['uuid'],
    success: 'removed',
    http: 'DELETE',
    path: ':uuid',
    view: 'text',
    sample: { uuid: `{${o.collection}}` },
    handler: async (input, ctx) => {
      const doc = await ctx.store.write(async (w) => {
        const found = await mustGet(w, o.collection, input.uuid as string);
        await refuseIfUsed(o, found, w);
        await w.remove(o.collection, found.uuid);
        await o.onRemove?.(found, w);
        return found;
      });
      await o.afterRemove?.(doc, ctx);
      return `${o.noun} ${doc.uuid} removed`;
    },
  });
}

/** `razor <slice> remove all`: CLI only, as in the original (405 over REST). */
export function removeAllVerb(o: CrudOptions): VerbSpec {
  return defineVerb({
    name: 'remove-all',
    forms: ['remove all'],
    summary: `Remove every ${o.noun}`,
    fields: {},
    success: 'removed',
    http: null,
    view: 'text',
    sample: {},
    handler: async (_input, ctx) => {
      const docs = await ctx.store.write(async (w) => {
        const all = await w.all(o.collection);
        for (const d of all) await refuseIfUsed(o, d, w);
        for (const d of all) {
          await w.remove(o.collection, d.uuid);
          await o.onRemove?.(d, w);
        }
        return all;
      });
      for (const d of docs) await o.afterRemove?.(d, ctx);
      return `${docs.length} ${o.noun} objects removed`;
    },
  });
}

/** The four read/remove verbs of a collection. */
export function crudVerbs(o: CrudOptions): VerbSpec[] {
  return [listVerb(o), getVerb(o), removeVerb(o), removeAllVerb(o)];
}

/** Common stamps on a new document. */
export function created(ctx: VerbContext): { uuid: string; created_at: string; updated_at: string } {
  const now = ctx.clock().toISOString();
  return { uuid: ctx.newUuid(), created_at: now, updated_at: now };
}
