/** The `broker` slice: where an installed node is handed off to (Puppet, Chef, a script) (reference §1.9, §8). */
import { RazorError } from '../lib/errors.js';
import { field } from '../lib/verbs/fields.js';
import { addWithMetadataPrompt } from './shared-verbs.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { created, crudVerbs, updateVerb, type Presenter } from '../lib/verbs/crud/index.js';
import { applyMetadata, redactMetadata } from '../lib/domain/metadata.js';
import type { BrokerPlugin, Catalog } from '../lib/domain/catalog.js';

import type { BrokerDoc } from '../lib/domain/documents.js';

const errors = { missing: 'MissingBrokerMetadata', invalid: 'InvalidBrokerMetadata' } as const;

function plugin(catalog: Catalog, name: string): BrokerPlugin {
  const p = catalog.brokerPlugins.get(name);
  if (!p) {
    const known = [...catalog.brokerPlugins.keys()].join(', ');
    throw new RazorError('InvalidPlugin', `unknown broker plugin '${name}'; known: ${known}`);
  }
  return p;
}

const present: Presenter = async (doc, ctx) => {
  const b = doc as BrokerDoc;
  return { ...b, metadata: redactMetadata(ctx.catalog.brokerPlugins.get(b.plugin)?.metadata, b.metadata) };
};

const metadataHelp =
  'Values for the plugin\'s metadata as JSON, e.g. {"server":"puppet.example.com"} (see \'razor broker plugins\')';

const crud = {
  slice: 'broker',
  collection: 'broker',
  noun: 'broker',
  present,
  commands: {
    list: 'broker_instances_query_all',
    get: 'get_broker_by_uuid',
    remove: 'remove_broker_by_uuid',
    'remove-all': 'remove_all_brokers',
  },
} as const;

const TABLE = { Name: 'name', Description: 'description', Plugin: 'plugin', UUID: 'uuid' };

/** The broker slice. */
export const brokerSlice = defineSlice({
  name: 'broker',
  summary: 'Brokers: hand installed nodes to Puppet, Chef or a script',
  collection: 'broker',
  filterable: ['uuid', 'name', 'description', 'plugin', 'metadata'],
  table: columns(TABLE),
  item: columns({ ...TABLE, Metadata: 'metadata' }),
  verbs: [
    ...crudVerbs({ ...crud, usedBy: [{ collection: 'policy', field: 'broker_uuid' }] }),
    defineVerb({
      name: 'plugins',
      summary: 'List the broker plugins',
      fields: {},
      forms: ['plugin', 't', 'get plugins'],
      success: 'ok',
      http: 'GET',
      path: 'plugins',
      view: 'table',
      command: 'get_broker_plugins',
      sample: {},
      handler: async (_input, ctx) =>
        [...ctx.catalog.brokerPlugins.values()].map((p) => ({
          plugin: p.name,
          description: p.description,
          metadata: Object.keys(p.metadata).join(', '),
        })),
    }),
    defineVerb({
      name: 'add',
      summary: 'Create a broker',
      fields: {
        plugin: field.string({
          help: 'Broker plugin: puppet, chef, script or noop',
          short: 'p',
          required: true,
        }),
        name: field.string({ help: 'A name for the broker', short: 'n', required: true }),
        description: field.string({
          help: "What this broker is for (default: the plugin's description)",
          short: 'd',
        }),
        req_metadata_hash: field.json({
          help: `${metadataHelp}; default {} (asked for on a terminal)`,
          short: 'r',
        }),
      },
      ...addWithMetadataPrompt(
        'This broker plugin needs some values.',
        (raw, deps) => deps.catalog.brokerPlugins.get(String(raw.plugin))?.metadata,
      ),
      sample: {
        plugin: 'puppet',
        name: 'puppet-prod',
        description: 'Production Puppet server',
        req_metadata_hash: { server: 'puppet.example.com', broker_version: '8.10.0' },
      },
      handler: async (input, ctx) => {
        const p = plugin(ctx.catalog, input.plugin);
        const metadata = applyMetadata(p.metadata, input.req_metadata_hash ?? {}, errors);
        const doc: BrokerDoc = {
          ...created(ctx),
          name: input.name,
          description: input.description ?? p.description,
          plugin: p.name,
          metadata,
        };
        await ctx.store.write((w) => w.put('broker', doc));
        return [await ctx.store.read((r) => present(doc, ctx, r))];
      },
    }),
    updateVerb(crud, {
      summary: 'Change a broker',
      description: 'Metadata keys you leave out keep their current values.',
      fields: {
        name: field.string({ help: 'New name', short: 'n' }),
        description: field.string({ help: 'New description', short: 'd' }),
        req_metadata_hash: field.json({ help: metadataHelp, short: 'r' }),
      },
      http: 'PUT',
      path: ':uuid',
      sample: {
        uuid: '{broker}',
        name: 'puppet-staging',
        description: 'Staging',
        req_metadata_hash: { server: 'p2' },
      },
      apply: (doc: BrokerDoc, input, ctx) => {
        if (input.name !== undefined) doc.name = input.name;
        if (input.description !== undefined) doc.description = input.description;
        if (input.req_metadata_hash !== undefined) {
          const p = plugin(ctx.catalog, doc.plugin);
          doc.metadata = applyMetadata(p.metadata, input.req_metadata_hash, errors, doc.metadata);
        }
      },
    }),
  ],
});
