/** The generated read verbs of a collection: `razor <slice> [get] [all]` and `razor <slice> [get] <uuid>`. */
import { field } from '../fields.js';
import { defineVerb, type VerbSpec } from '../spec.js';
import { matchesFilter } from './filter.js';
import { asIs, mustGet, type CrudOptions } from './options.js';

const byCreated = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) =>
  String(a.created_at ?? '').localeCompare(String(b.created_at ?? '')) ||
  String(a.uuid).localeCompare(String(b.uuid));

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
    command: o.commands?.list ?? `${o.slice}_query_all`,
    sample: {},
    handler: async (input, ctx) =>
      ctx.store.read(async (r) => {
        const docs = await r.all(o.collection);
        const shown = await Promise.all(docs.map((d) => present(d, ctx, r)));
        return shown.sort(o.sort ?? byCreated).filter((d) => matchesFilter(d, input.filter));
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
