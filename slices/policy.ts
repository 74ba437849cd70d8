/** The `policy` slice: which nodes get which model, in table order (reference §1.5, §5). */
import { RazorError } from '../lib/errors.js';
import { field } from '../lib/verbs/fields.js';
import { defineSlice, defineVerb, type VerbSpec } from '../lib/verbs/spec.js';
import {
  created,
  getVerb,
  listVerb,
  mustGet,
  removeAllVerb,
  removeVerb,
  type Presenter,
} from '../lib/verbs/crud.js';
import { moveBeside, moveTo, policyOrder, saveOrder } from '../lib/engine/policy-order.js';
import { callback } from '../lib/engine/callback.js';
import { evaluatePolicies } from '../lib/engine/bind.js';
import { tagsOf } from '../lib/engine/nodes.js';
import type { Doc, StoreReader, StoreWriter } from '../lib/store/store.js';
import type { VerbContext } from '../lib/verbs/context.js';
import type { NodeDoc, PolicyDoc } from '../lib/domain/documents.js';

const present: Presenter = async (doc, _ctx, r) => {
  const p = doc as PolicyDoc;
  const order = await policyOrder(r);
  const model = await r.get('model', p.model_uuid);
  const bound = (await r.all('active_model')).filter((a) => a.policy_uuid === p.uuid).length;
  return {
    ...p,
    line_number: order.indexOf(p.uuid),
    model_label: model?.label ?? '(missing)',
    current_count: bound,
  };
};

async function checkModel(r: StoreReader, template: string, modelUuid: string): Promise<void> {
  const model = await mustGet(r, 'model', modelUuid);
  if (model.template !== template) {
    throw new RazorError(
      'InvalidModel',
      `model ${modelUuid} is a ${String(model.template)} model; a ${template} policy needs a ${template} model`,
    );
  }
}

const crud = {
  slice: 'policy',
  collection: 'policy',
  noun: 'policy',
  present,
  onRemove: async (_doc: Doc, w: StoreWriter) => saveOrder(w, await policyOrder(w)),
} as const;

const fields = (required: boolean) => ({
  label: field.string({ help: 'A label for the policy', short: 'l', required }),
  model_uuid: field.uuid('model', { help: 'UUID of the model to install', short: 'm', required }),
  tags: field.list({ help: 'Tags a node must have, comma-separated (all of them)', short: 't', required }),
  broker_uuid: field.uuid('broker', {
    help: "UUID of the broker to hand off to, or 'none'",
    short: 'b',
    none: 'none',
    ...(required ? { default: 'none' } : {}),
  }),
  enabled: field.bool({
    help: 'Whether the policy binds nodes',
    short: 'e',
    ...(required ? { default: false } : {}),
  }),
  maximum: field.int({
    help: 'Most nodes bound at once; 0 = unlimited',
    short: 'x',
    min: 0,
    ...(required ? { default: 0 } : {}),
  }),
});

function toggle(name: 'enable' | 'disable'): VerbSpec {
  return defineVerb({
    name,
    summary: `${name === 'enable' ? 'Enable' : 'Disable'} a policy`,
    fields: { uuid: field.uuid('policy', { help: 'UUID of the policy', required: true }) },
    positional: ['uuid'],
    success: 'updated',
    http: 'POST',
    path: `${name}/:uuid`,
    view: 'item',
    sample: { uuid: '{policy}' },
    handler: async (input, ctx) =>
      ctx.store.write(async (w) => {
        const doc = await mustGet<PolicyDoc>(w, 'policy', input.uuid as string);
        doc.enabled = name === 'enable';
        doc.updated_at = ctx.clock().toISOString();
        await w.put('policy', doc);
        return [await present(doc, ctx, w)];
      }),
  });
}

async function update(input: Record<string, unknown>, ctx: VerbContext) {
  return ctx.store.write(async (w) => {
    const doc = await mustGet<PolicyDoc>(w, 'policy', input.uuid as string);
    if (input.label !== undefined) doc.label = input.label as string;
    if (input.model_uuid !== undefined) {
      await checkModel(w, doc.template, input.model_uuid as string);
      doc.model_uuid = input.model_uuid as string;
    }
    if (input.broker_uuid !== undefined)
      doc.broker_uuid = input.broker_uuid === 'none' ? null : (input.broker_uuid as string);
    if (input.tags !== undefined) doc.tags = input.tags as string[];
    if (input.enabled !== undefined) doc.enabled = input.enabled as boolean;
    if (input.maximum !== undefined) doc.maximum_count = input.maximum as number;
    const moves = ['new_line_number', 'before', 'after'].filter((k) => input[k] !== undefined);
    if (moves.length > 1) throw new RazorError('InputError', `give only one of: ${moves.join(', ')}`);
    let order = await policyOrder(w);
    if (input.new_line_number !== undefined) order = moveTo(order, doc.uuid, input.new_line_number as number);
    if (input.before !== undefined) order = moveBeside(order, doc.uuid, input.before as string, 'before');
    if (input.after !== undefined) order = moveBeside(order, doc.uuid, input.after as string, 'after');
    doc.updated_at = ctx.clock().toISOString();
    await w.put('policy', doc);
    await saveOrder(w, order);
    return [await present(doc, ctx, w)];
  });
}

const list = listVerb(crud);

/** The policy slice. */
export const policySlice = defineSlice({
  name: 'policy',
  summary: 'Policies: which nodes (by tag) get which model, first match wins',
  collection: 'policy',
  filterable: [
    'uuid',
    'label',
    'template',
    'model_uuid',
    'broker_uuid',
    'tags',
    'enabled',
    'maximum_count',
    'line_number',
  ],
  table: [
    { header: '#', value: (o) => o.line_number },
    { header: 'Enabled', value: (o) => o.enabled },
    { header: 'Label', value: (o) => o.label },
    { header: 'Tags', value: (o) => `[${(o.tags as string[]).join(',')}]` },
    { header: 'Model Label', value: (o) => o.model_label },
    { header: '#/Max', value: (o) => `${o.current_count}/${o.maximum_count === 0 ? '-' : o.maximum_count}` },
    { header: 'Counter', value: (o) => o.counter },
    { header: 'UUID', value: (o) => o.uuid },
  ],
  item: [
    { header: 'UUID', value: (o) => o.uuid },
    { header: 'Line Number', value: (o) => o.line_number },
    { header: 'Label', value: (o) => o.label },
    { header: 'Enabled', value: (o) => o.enabled },
    { header: 'Template', value: (o) => o.template },
    { header: 'Tags', value: (o) => `[${(o.tags as string[]).join(',')}]` },
    { header: 'Model Label', value: (o) => o.model_label },
    { header: 'Broker Target', value: (o) => o.broker_uuid ?? 'none' },
    { header: 'Currently Bound', value: (o) => o.current_count },
    { header: 'Maximum Bound', value: (o) => (o.maximum_count === 0 ? 'unlimited' : o.maximum_count) },
    { header: 'Bound Counter', value: (o) => o.counter },
  ],
  verbs: [
    {
      ...list,
      handler: async (input, ctx) => {
        const rows = (await list.handler(input, ctx)) as { line_number: number }[];
        return rows.sort((a, b) => a.line_number - b.line_number);
      },
    },
    getVerb(crud),
    removeVerb(crud),
    removeAllVerb(crud),
    defineVerb({
      name: 'templates',
      summary: 'List the policy templates',
      fields: {},
      forms: ['template', 'temp', 'types', 'get templates'],
      success: 'ok',
      http: 'GET',
      path: 'templates',
      view: 'table',
      command: 'get_policy_templates',
      sample: {},
      handler: async (_input, ctx) => ctx.catalog.policyTemplates.map((t) => ({ ...t })),
    }),
    defineVerb({
      name: 'add',
      summary: 'Create a policy (appended to the end of the policy table)',
      fields: {
        template: field.catalogEnum('policyTemplates', {
          help: 'Policy template',
          short: 'p',
          required: true,
        }),
        ...fields(true),
      },
      success: 'created',
      http: 'POST',
      path: '',
      view: 'item',
      sample: {
        template: 'linux_deploy',
        label: 'web servers',
        model_uuid: '{model}',
        tags: 'memsize_16GiB,nics_2',
        broker_uuid: '{broker}',
        enabled: 'true',
        maximum: '10',
      },
      handler: async (input, ctx) =>
        ctx.store.write(async (w) => {
          await checkModel(w, input.template as string, input.model_uuid as string);
          const doc: PolicyDoc = {
            ...created(ctx),
            label: input.label as string,
            template: input.template as string,
            model_uuid: input.model_uuid as string,
            broker_uuid: input.broker_uuid === 'none' ? null : (input.broker_uuid as string),
            tags: input.tags as string[],
            enabled: input.enabled as boolean,
            maximum_count: input.maximum as number,
            counter: 0,
          };
          await w.put('policy', doc);
          await saveOrder(w, [...(await policyOrder(w)).filter((u) => u !== doc.uuid), doc.uuid]);
          return [await present(doc, ctx, w)];
        }),
    }),
    defineVerb({
      name: 'update',
      summary: 'Change a policy or move it in the table',
      fields: {
        uuid: field.uuid('policy', { help: 'UUID of the policy', required: true }),
        ...fields(false),
        new_line_number: field.int({
          help: 'Move to this 0-based line of the policy table',
          short: 'n',
          min: 0,
        }),
        before: field.uuid('policy', { help: 'Move just before this policy' }),
        after: field.uuid('policy', { help: 'Move just after this policy' }),
      },
      positional: ['uuid'],
      success: 'updated',
      http: 'PUT',
      path: ':uuid',
      view: 'item',
      sample: {
        uuid: '{policy}',
        label: 'db servers',
        model_uuid: '{model}',
        tags: 'memsize_32GiB',
        broker_uuid: 'none',
        enabled: 'false',
        maximum: '2',
        new_line_number: '0',
      },
      moreSamples: [
        { uuid: '{policy}', before: '{policy2}' },
        { uuid: '{policy}', after: '{policy2}' },
      ],
      handler: update,
    }),
    toggle('enable'),
    toggle('disable'),
    defineVerb({
      name: 'callback',
      summary: "An installer's callback: fires a state-machine event and returns a file or 'ok'",
      description:
        'Installers reach it as GET /razor/api/policy/callback/<active_model>/<namespace>/<action>[/<arg>]. ' +
        "The boot script's URL reaches only public callbacks; the others need <uuid>.<install key>, " +
        'found only in the files served to the installing node (ADR 0016).',
      fields: {
        active_model: field.string({
          help: 'The whole UUID of the active model (no fragments: it guards the node’s secrets), or <uuid>.<install key>',
          required: true,
        }),
        namespace: field.string({
          help: 'Callback namespace, e.g. preseed, kickstart, postinstall, broker',
          required: true,
        }),
        args: field.list({
          help: 'The action and its argument, e.g. file, or send_ips 10.0.0.5',
          allowEmpty: true,
          keepOrder: true,
          default: [],
        }),
      },
      positional: ['active_model', 'namespace', 'args'],
      success: 'ok',
      http: 'GET',
      path: 'callback/:active_model/:namespace/*args',
      nodeFacing: true,
      contentType: 'text/plain',
      view: 'text',
      sample: { active_model: '{active_model}', namespace: 'status', args: ['now'] },
      moreSamples: [{ active_model: '{active_model}', namespace: 'status' }],
      handler: async (input, ctx) =>
        callback(ctx, {
          activeModel: input.active_model as string,
          namespace: input.namespace as string,
          args: input.args as string[],
        }),
    }),
    defineVerb({
      name: 'simulate',
      summary: 'Which policy would bind a node (or a set of facts), and why each earlier one would not',
      fields: {
        node: field.uuid('node', { help: 'UUID of a known node' }),
        facts: field.json({
          help: 'Facts instead of a node: JSON, or on the CLI a JSON file path',
          short: 'f',
        }),
      },
      positional: ['node'],
      success: 'ok',
      http: 'GET',
      path: 'simulate/:node',
      view: 'table',
      sample: { node: '{node}' },
      moreSamples: [{ facts: { mk_hw_nic_count: '2', mk_hw_mem_size: '16GiB' } }],
      handler: async (input, ctx) =>
        ctx.store.read(async (r) => {
          if (input.node !== undefined && input.facts !== undefined) {
            throw new RazorError('InputError', 'give a node or --facts, not both');
          }
          const facts = input.node
            ? (await mustGet<NodeDoc>(r, 'node', input.node as string)).attributes
            : ((input.facts ?? {}) as Record<string, unknown>);
          const tags = await tagsOf(r, facts);
          const verdicts = await evaluatePolicies(r, tags);
          const order = await policyOrder(r);
          const rows = verdicts.map((v) => ({
            line: order.indexOf(v.policy.uuid),
            policy: v.policy.label,
            uuid: v.policy.uuid,
            binds: v.binds,
            why: v.why,
          }));
          if (!verdicts.some((v) => v.binds))
            rows.push({
              line: -1,
              policy: '(none)',
              uuid: '',
              binds: false,
              why: `no policy binds a node with tags [${tags.join(',')}]`,
            });
          return rows;
        }),
    }),
  ],
});
