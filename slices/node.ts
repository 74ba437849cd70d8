/** The `node` slice: machines razor has discovered (reference §1.4). Checkin and register are the engine's. */
import { field } from '../lib/fields.js';
import { defineSlice, defineVerb } from '../lib/spec.js';
import { crudVerbs, mustGet, type Presenter } from '../lib/crud.js';
import { nodeTags, type TagRule } from '../lib/tags.js';
import type { Doc } from '../lib/store/store.js';

/** A node as stored. */
export interface NodeDoc extends Doc {
  hw_id: string[];
  attributes: Record<string, unknown>;
  last_state: string;
  dhcp_mac: string | null;
  checked_in_at: string;
  created_at: string;
}

/** Adds the computed tags and status (bound / inactive / active) to a node. */
const present: Presenter = async (doc, ctx, r) => {
  const n = doc as NodeDoc;
  const rules = await r.all<TagRule & Doc>('tag');
  const bound = (await r.all('active_model')).some((a) => a.node_uuid === n.uuid);
  const age = (ctx.clock().getTime() - Date.parse(n.checked_in_at)) / 1000;
  const status = bound ? 'bound' : age > ctx.config.values.register_timeout ? 'inactive' : 'active';
  return { ...n, tags: nodeTags(rules, n.attributes), status };
};

const ago = (iso: unknown) => {
  const s = Math.max(0, (Date.now() - Date.parse(String(iso))) / 1000);
  return s < 60 ? `${Math.round(s)} sec` : `${(s / 60).toFixed(1)} min`;
};

const FIELDS = {
  attributes: 'attributes',
  attrib: 'attributes',
  hardware_ids: 'hw_id',
  hardware: 'hw_id',
  hardware_id: 'hw_id',
} as const;

/** The node slice. */
export const nodeSlice = defineSlice({
  name: 'node',
  summary: 'Nodes: machines razor has discovered, their facts, tags and status',
  collection: 'node',
  filterable: ['uuid', 'hw_id', 'attributes', 'last_state', 'dhcp_mac', 'status', 'tags'],
  table: [
    { header: 'UUID', value: (o) => o.uuid },
    { header: 'Last Checkin', value: (o) => ago(o.checked_in_at) },
    { header: 'Status', value: (o) => String(o.status).charAt(0).toUpperCase() },
    { header: 'Tags', value: (o) => `[${(o.tags as string[]).join(',')}]` },
  ],
  item: [
    { header: 'UUID', value: (o) => o.uuid },
    { header: 'Last Checkin', value: (o) => o.checked_in_at },
    { header: 'Status', value: (o) => o.status },
    { header: 'Tags', value: (o) => `[${(o.tags as string[]).join(',')}]` },
    { header: 'Hardware IDs', value: (o) => `[${(o.hw_id as string[]).join(', ')}]` },
  ],
  verbs: [
    ...crudVerbs({
      slice: 'node',
      collection: 'node',
      noun: 'node',
      present,
      usedBy: [{ collection: 'active_model', field: 'node_uuid' }],
    }).map((v) =>
      v.name !== 'get'
        ? v
        : defineVerb({
            ...v,
            fields: {
              ...v.fields,
              field: field.enum(Object.keys(FIELDS) as [string, ...string[]], {
                help: 'Show only this part: attributes (facts) or hardware_ids',
                short: 'f',
              }),
            },
            sample: { uuid: '{node}', field: 'attributes' },
            handler: async (input, ctx) => {
              const part = input.field as keyof typeof FIELDS | undefined;
              if (!part) return v.handler(input, ctx);
              const node = await ctx.store.read((r) => mustGet<NodeDoc>(r, 'node', input.uuid as string));
              if (FIELDS[part] === 'hw_id') return [{ hw_id: node.hw_id }];
              return [
                Object.fromEntries(Object.entries(node.attributes).sort(([a], [b]) => a.localeCompare(b))),
              ];
            },
          }),
    ),
  ],
});
