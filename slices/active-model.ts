/** The `active_model` slice: a node bound to a policy, following its install (reference §1.6). */
import { field } from '../lib/verbs/fields.js';
import { followField } from '../lib/verbs/follow-field.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { crudVerbs, mustGet, type Presenter } from '../lib/verbs/crud/index.js';
import { redactMetadata } from '../lib/domain/metadata.js';
import { rebindAddress, reinstall } from '../lib/engine/reinstall.js';

import type { ActiveModelDoc } from '../lib/domain/documents.js';
import type { VerbContext } from '../lib/verbs/context.js';

/** Active models carry copies of their model and broker: their secrets are redacted too. */
const present: Presenter = async (doc, ctx) => {
  const am = doc as ActiveModelDoc;
  const modelSpecs = ctx.catalog.modelTypes.get(am.model.type)?.metadata;
  const brokerSpecs = am.broker ? ctx.catalog.brokerPlugins.get(am.broker.plugin)?.metadata : undefined;
  return {
    ...am,
    // The install key is the node's alone (ADR 0016).
    ...(am.pin ? { pin: { ...am.pin, key: '<redacted>' } } : {}),
    model: { ...am.model, metadata: redactMetadata(modelSpecs, am.model.metadata) },
    broker: am.broker ? { ...am.broker, metadata: redactMetadata(brokerSpecs, am.broker.metadata) } : null,
  };
};

/** An active model as clients see it, in a list (as `get` answers). */
const shown = async (ctx: VerbContext, am: ActiveModelDoc) => [
  await ctx.store.read((r) => present(am, ctx, r)),
];

const logRows = (am: ActiveModelDoc) =>
  am.log.map((e) => ({
    active_model: am.uuid,
    node_uuid: am.node_uuid,
    at: e.at,
    state: e.old_state === e.state ? e.state : `${e.old_state}=>${e.state}`,
    action: e.action,
    result: e.result,
  }));

const brokerName = (o: Record<string, unknown>) => (o.broker as { name?: string } | null)?.name ?? 'none';

/** The active_model slice. */
export const activeModelSlice = defineSlice({
  name: 'active_model',
  summary: 'Active models: nodes bound to a policy and the state of their install',
  collection: 'active_model',
  filterable: ['uuid', 'policy_uuid', 'node_uuid', 'label', 'state', 'hostname', 'counter'],
  table: columns({
    Label: 'label',
    State: 'state',
    'Node UUID': 'node_uuid',
    Broker: brokerName,
    'Bind #': 'counter',
    UUID: 'uuid',
  }),
  item: columns({
    UUID: 'uuid',
    Label: 'label',
    'Node UUID': 'node_uuid',
    'Policy UUID': 'policy_uuid',
    'Model Label': (o) => (o.model as { label?: string }).label,
    Hostname: 'hostname',
    'Current State': 'state',
    'Broker Target': brokerName,
    'Bound Number': 'counter',
    'Bind Time': 'bound_at',
    'Pinned To': (o) => (o.pin as { address?: string } | undefined)?.address ?? 'not booted yet',
  }),
  verbs: [
    ...crudVerbs({
      slice: 'active_model',
      collection: 'active_model',
      noun: 'active model',
      present,
      commands: {
        list: 'active_models_query_all',
        get: 'get_active_model_by_uuid',
        remove: 'remove_active_model_by_uuid',
        'remove-all': 'remove_all_active_models',
      },
    }).map((v) =>
      v.name === 'remove'
        ? { ...v, summary: 'Unbind a node: it is rediscovered and may be bound again on its next boot' }
        : v,
    ),
    defineVerb({
      name: 'reinstall',
      summary: "Install again: the node's next PXE boot reinstalls its OS (its disk is overwritten)",
      description:
        'Moves the active model back to init and clears its pin; nodes cannot ask for this themselves.',
      fields: { uuid: field.uuid('active_model', { help: 'UUID of the active model', required: true }) },
      positional: ['uuid'],
      forms: [':uuid reinstall'],
      success: 'updated',
      http: 'POST',
      path: 'reinstall/:uuid',
      view: 'item',
      sample: { uuid: '{active_model}' },
      handler: async (input, ctx) => shown(ctx, await reinstall(ctx, input.uuid)),
    }),
    defineVerb({
      name: 'rebind-address',
      summary: "Move an install's pin: its installer file goes to --address, or to the node's next boot",
      description:
        "An install's secret files go only to the address of its first boot (config " +
        'secrets_to_boot_address); this moves that binding, with a new install key and the serve counts reset.',
      fields: {
        uuid: field.uuid('active_model', { help: 'UUID of the active model', required: true }),
        address: field.string({
          help: 'The IP address to pin to; without it the next boot pins',
          short: 'a',
        }),
      },
      positional: ['uuid'],
      forms: [':uuid rebind-address'],
      success: 'updated',
      http: 'POST',
      path: 'rebind-address/:uuid',
      view: 'item',
      sample: { uuid: '{active_model}', address: '192.0.2.20' },
      handler: async (input, ctx) => shown(ctx, await rebindAddress(ctx, input.uuid, input.address)),
    }),
    defineVerb({
      name: 'logs',
      command: 'get_active_model_logs',
      summary: "Show an active model's log: every state change and callback",
      fields: {
        uuid: field.uuid('active_model', { help: 'UUID of the active model', required: true }),
        follow: followField,
      },
      positional: ['uuid'],
      forms: [':uuid logs', 'get :uuid logs', ':uuid logview'],
      followEvents: (input) => ({ activeModel: String(input.uuid) }),
      success: 'ok',
      http: null,
      view: 'table',
      sample: { uuid: '{active_model}' },
      moreSamples: [{ uuid: '{active_model}', follow: 'false' }],
      handler: async (input, ctx) =>
        logRows(await ctx.store.read((r) => mustGet<ActiveModelDoc>(r, 'active_model', input.uuid))),
    }),
    defineVerb({
      name: 'logview',
      command: 'get_logview',
      summary: 'Show the logs of every active model, merged by time',
      fields: {},
      success: 'ok',
      http: null,
      view: 'table',
      sample: {},
      handler: async (_input, ctx) =>
        (await ctx.store.read((r) => r.all<ActiveModelDoc>('active_model')))
          .flatMap(logRows)
          .sort((a, b) => a.at.localeCompare(b.at)),
    }),
  ],
});
