/**
 * Pieces two slices declare alike: the `templates` verb of the policy and model slices, and the
 * interactive prompt for a `req_metadata_hash` whose keys come from the catalog (model, broker).
 */
import { defineVerb, type VerbSpec } from '../lib/verbs/spec.js';
import type { Deps } from '../lib/verbs/context.js';
import type { MetadataSpec } from '../lib/domain/catalog.js';

/** `<slice> templates`: lists what the catalog offers, as the original's `get templates` did. */
export function templatesVerb(o: {
  summary: string;
  command: string;
  list: (deps: Deps) => Promise<unknown> | unknown;
}): VerbSpec {
  return defineVerb({
    name: 'templates',
    summary: o.summary,
    fields: {},
    forms: ['template', 'temp', 'types', 'get templates'],
    success: 'ok',
    http: 'GET',
    path: 'templates',
    view: 'table',
    command: o.command,
    sample: {},
    handler: async (_input, ctx) => o.list(ctx),
  });
}

/**
 * How an `add` that takes a `req_metadata_hash` answers and asks (model, broker): created, shown as
 * an item, and on a terminal the metadata is prompted for, its keys read from the chosen catalog entry.
 */
export function addWithMetadataPrompt(
  title: string,
  specs: (
    raw: Readonly<Record<string, unknown>>,
    deps: Deps,
  ) => Readonly<Record<string, MetadataSpec>> | undefined,
) {
  return {
    success: 'created',
    http: 'POST',
    path: '',
    view: 'item',
    prompt: { field: 'req_metadata_hash', title, specs },
  } as const;
}
