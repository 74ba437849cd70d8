/** The `node` slice: machines razor has discovered (reference §1.4). Checkin and register are the engine's. */
import { field } from '../lib/verbs/fields.js';
import { microkernelVerbs } from './node-mk.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns, bracketed } from '../lib/verbs/columns.js';
import {
  getVerb,
  listVerb,
  mustGet,
  removeAllVerb,
  removeVerb,
  uuidField,
  type Presenter,
} from '../lib/verbs/crud/index.js';
import { explainTags, nodeTags, type TagRule } from '../lib/tags/tag-rules.js';
import type { Doc } from '../lib/store/store.js';
import type { NodeDoc, TagRuleDoc } from '../lib/domain/documents.js';

/** Adds the computed tags and status (bound / inactive / active) to a node. */
const present: Presenter = async (doc, ctx, r) => {
  const n = doc as NodeDoc;
  const rules = await r.all<TagRule & Doc>('tag');
  const bound = (await r.findBy('active_model', 'node_uuid', n.uuid)).length > 0;
  const age = (ctx.clock().getTime() - Date.parse(n.checked_in_at)) / 1000;
  const status = bound ? 'bound' : age > ctx.config.values.register_timeout ? 'inactive' : 'active';
  return { ...n, tags: nodeTags(rules, n.attributes), status };
};

const ago = (iso: unknown) => {
  const s = Math.max(0, (Date.now() - Date.parse(String(iso))) / 1000);
  return s < 60 ? `${Math.round(s)} sec` : `${(s / 60).toFixed(1)} min`;
};

/** The parts `node get --field` shows, by the names it accepts. */
const FIELDS = {
  attributes: 'attributes',
  attrib: 'attributes',
  hardware_ids: 'hw_id',
  hardware: 'hw_id',
  hardware_id: 'hw_id',
} as const;
const PARTS = Object.keys(FIELDS) as [keyof typeof FIELDS, ...(keyof typeof FIELDS)[]];

const crud = {
  slice: 'node',
  collection: 'node',
  noun: 'node',
  present,
  commands: {
    list: 'nodes_query_all',
    get: 'get_node_by_uuid',
    remove: 'remove_node_by_uuid',
    'remove-all': 'remove_all_nodes',
  },
  usedBy: [{ collection: 'active_model', field: 'node_uuid' }],
} as const;

/** `razor node get <uuid> [--field attributes|hardware_ids]`: one node, or one part of it. */
const getNode = defineVerb({
  ...getVerb(crud),
  positional: ['uuid'],
  fields: {
    uuid: uuidField(crud),
    field: field.enum(PARTS, {
      help: 'Show only this part: attributes (facts) or hardware_ids',
      short: 'f',
    }),
  },
  sample: { uuid: '{node}', field: 'attributes' },
  handler: async (input, ctx) =>
    ctx.store.read(async (r) => {
      const node = await mustGet<NodeDoc>(r, 'node', input.uuid);
      if (!input.field) return [await present(node, ctx, r)];
      if (FIELDS[input.field] === 'hw_id') return [{ hw_id: node.hw_id }];
      return [Object.fromEntries(Object.entries(node.attributes).sort(([a], [b]) => a.localeCompare(b)))];
    }),
});

/** The node slice. */
export const nodeSlice = defineSlice({
  name: 'node',
  summary: 'Nodes: machines razor has discovered, their facts, tags and status',
  collection: 'node',
  filterable: ['uuid', 'hw_id', 'attributes', 'last_state', 'dhcp_mac', 'status', 'tags'],
  table: columns({
    UUID: 'uuid',
    'Last Checkin': (o) => ago(o.checked_in_at),
    Status: (o) => String(o.status).charAt(0).toUpperCase(),
    Tags: bracketed('tags'),
  }),
  item: columns({
    UUID: 'uuid',
    'Last Checkin': 'checked_in_at',
    Status: 'status',
    Tags: bracketed('tags'),
    'Hardware IDs': bracketed('hw_id', ', '),
  }),
  verbs: [
    ...microkernelVerbs(present),
    defineVerb({
      name: 'tags',
      summary: "Show a node's tags; with --explain, which rule and matcher made each (or not)",
      fields: {
        uuid: field.uuid('node', { help: 'UUID of the node', required: true }),
        explain: field.bool({
          help: 'Show every rule, whether it matched and why',
          flag: true,
          default: false,
        }),
      },
      positional: ['uuid'],
      forms: [':uuid tags', 'get :uuid tags'],
      success: 'ok',
      http: 'GET',
      path: 'tags/:uuid',
      view: 'table',
      // The reasons are a list (each may quote node facts); the table shows one per line.
      columns: columns({
        tag: 'tag',
        rule: 'rule',
        matched: 'matched',
        because: (o) => (o.because as string[]).join('\n'),
      }),
      sample: { uuid: '{node}', explain: 'true' },
      handler: async (input, ctx) =>
        ctx.store.read(async (r) => {
          const node = await mustGet<NodeDoc>(r, 'node', input.uuid);
          const explained = explainTags(await r.all<TagRuleDoc>('tag'), node.attributes);
          const rows = input.explain ? explained : explained.filter((e) => e.matched);
          return rows.map((e) => ({
            tag: e.tag ?? '-',
            rule: e.rule,
            matched: e.matched,
            because: e.because,
          }));
        }),
    }),
    listVerb({ ...crud, paged: true }),
    getNode,
    removeVerb(crud),
    removeAllVerb(crud),
  ],
});
