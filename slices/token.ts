/**
 * The `token` slice (CLI only): API tokens for the daemon's admin routes. Whoever can run the CLI
 * against the store can manage tokens; over HTTP they do not exist.
 */
import { field } from '../lib/verbs/fields.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { crudVerbs } from '../lib/verbs/crud/index.js';
import { createToken } from '../lib/domain/tokens.js';

/** The token slice. */
export const tokenSlice = defineSlice({
  name: 'token',
  summary: "API tokens for the daemon's admin routes (Authorization: Bearer <token>)",
  http: false,
  collection: 'token',
  filterable: ['uuid', 'name'],
  table: columns({
    Name: 'name',
    Created: 'created_at',
    'Last used': (o) => o.last_used_at ?? '-',
    UUID: 'uuid',
  }),
  item: columns({
    Name: 'name',
    UUID: 'uuid',
    Created: 'created_at',
    Token: (o) => o.token ?? '(shown only when created)',
  }),
  verbs: [
    defineVerb({
      name: 'create',
      summary: 'Create a token; it is shown once, only its hash is kept',
      fields: {
        name: field.string({ help: 'A name saying who or what uses it', short: 'n', required: true }),
      },
      success: 'created',
      http: null,
      view: 'item',
      sample: { name: 'ci-pipeline' },
      handler: async (input, ctx) => {
        const { token, doc } = await ctx.store.write((w) =>
          createToken(w, input.name, ctx.newUuid(), ctx.clock()),
        );
        return [{ uuid: doc.uuid, name: doc.name, created_at: doc.created_at, token }];
      },
    }),
    // Listing shows names and times only: the stored digest is of no use to anyone reading it.
    ...crudVerbs({
      slice: 'token',
      collection: 'token',
      noun: 'token',
      present: async (doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'sha256')),
    }).map((v) =>
      v.name === 'remove' ? { ...v, name: 'revoke', forms: ['remove :uuid'], summary: 'Revoke a token' } : v,
    ),
  ],
});
