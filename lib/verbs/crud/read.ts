/** The generated read verbs of a collection: `razor <slice> [get] [all]` and `razor <slice> [get] <uuid>`. */
import { field } from '../fields.js';
import { defineVerb, type VerbSpec } from '../spec.js';
import { matchesFilter } from './filter.js';
import { asIs, mustGet, type CrudOptions } from './options.js';

const byCreated = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) =>
  String(a.created_at ?? '').localeCompare(String(b.created_at ?? '')) ||
  String(a.uuid).localeCompare(String(b.uuid));

/** The fields of a paged list: `--limit` and `--offset`, in the list's order (after filtering). */
const PAGE_FIELDS = {
  limit: field.int({ help: 'Show at most this many (a page shorter than this is the last)', min: 1 }),
  offset: field.int({ help: 'Skip this many first (with --limit: pages for scripts)', min: 0 }),
};

/** `razor <slice> [get] [all]`: the list, optionally filtered (and paged, when `paged`). */
export function listVerb(o: CrudOptions & { summary?: string; paged?: boolean }): VerbSpec {
  const present = o.present ?? asIs;
  const sort = o.sort ?? byCreated;
  return defineVerb({
    name: 'list',
    summary: o.summary ?? `List every ${o.noun}`,
    fields: o.paged ? PAGE_FIELDS : {},
    forms: ['', 'default', 'get', 'all', 'get all'],
    filter: true,
    success: 'ok',
    http: 'GET',
    path: '',
    view: 'table',
    command: o.commands?.list ?? `${o.slice}_query_all`,
    sample: {},
    ...(o.paged
      ? {
          moreSamples: [
            { limit: 1, offset: 1 },
            { offset: 0, limit: 5 },
          ],
        }
      : {}),
    handler: async (input, ctx) =>
      ctx.store.read(async (r) => {
        const { limit, offset = 0 } = input as { limit?: number; offset?: number };
        const page = <T>(all: T[]) => all.slice(offset, limit === undefined ? undefined : offset + limit);
        const docs = await r.all(o.collection);
        // Sorted by creation and not filtered: only the page's documents are presented.
        if (!o.sort && Object.keys(input.filter).length === 0)
          return Promise.all(page(docs.sort(byCreated)).map((d) => present(d, ctx, r)));
        const shown = await Promise.all(docs.map((d) => present(d, ctx, r)));
        return page(shown.sort(sort).filter((d) => matchesFilter(d, input.filter)));
      }),
  });
}

/** `razor <slice> [get] <uuid>`: one object. */
export function getVerb(o: CrudOptions): VerbSpec {
  const present = o.present ?? asIs;
  return defineVerb({
    name: 'get',
    summary: `Show one ${o.noun}`,
    fields: { uuid: uuidField(o) },
    positional: ['uuid'],
    forms: [':uuid'],
    ...(o.commands?.get ? { command: o.commands.get } : {}),
    success: 'ok',
    http: 'GET',
    path: ':uuid',
    view: 'item',
    sample: { uuid: `{${o.collection}}` },
    handler: async (input, ctx) =>
      ctx.store.read(async (r) => [await present(await mustGet(r, o.collection, input.uuid), ctx, r)]),
  });
}

/** The `uuid` field naming one object of the collection. */
export function uuidField(o: CrudOptions, help = `UUID of the ${o.noun} (any unique part of it)`) {
  return field.uuid(o.collection, { help, required: true });
}
