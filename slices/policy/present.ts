/** What the policy verbs share: how a policy is shown, its fields, and the model check. */
import { RazorError } from '../../lib/errors.js';
import { field } from '../../lib/verbs/fields.js';
import { mustGet, type CrudOptions, type Presenter } from '../../lib/verbs/crud/index.js';
import { policyOrder, saveOrder } from '../../lib/engine/policy-order.js';
import type { Doc, StoreReader } from '../../lib/store/store.js';
import type { PolicyDoc } from '../../lib/domain/documents.js';

/**
 * A policy as clients see it: its line in the policy table, its model's label (pass the model when
 * it has just been read) and how many nodes it binds now (from the active models' index).
 */
export async function presentPolicy(
  p: PolicyDoc,
  r: StoreReader,
  model?: Doc,
): Promise<Record<string, unknown>> {
  const order = await policyOrder(r);
  const label = (model ?? (await r.get('model', p.model_uuid)))?.label;
  const bound = await r.findBy('active_model', 'policy_uuid', p.uuid);
  return {
    ...p,
    line_number: order.indexOf(p.uuid),
    model_label: label ?? '(missing)',
    current_count: bound.length,
  };
}

const present: Presenter = async (doc, _ctx, r) => presentPolicy(doc as PolicyDoc, r);

/** The generated verbs' options: lists in table order; a removal also leaves the table. */
export const crud: CrudOptions = {
  slice: 'policy',
  collection: 'policy',
  noun: 'policy',
  present,
  commands: {
    list: 'policies_query_all',
    get: 'get_policy_by_uuid',
    remove: 'remove_policy_by_uuid',
    'remove-all': 'remove_all_policies',
  },
  sort: (a, b) => Number(a.line_number) - Number(b.line_number),
  onRemove: async (_doc, w) => saveOrder(w, await policyOrder(w)),
};

/** Reads the policy's model: it must exist and be made for the policy's template. */
export async function checkModel(r: StoreReader, template: string, modelUuid: string): Promise<Doc> {
  const model = await mustGet(r, 'model', modelUuid);
  if (model.template !== template) {
    throw new RazorError(
      'InvalidModel',
      `model ${modelUuid} is a ${String(model.template)} model; a ${template} policy needs a ${template} model`,
    );
  }
  return model;
}

/** The stored broker of a `broker_uuid` argument: none for the word `none`. */
export const brokerOf = (arg: string): string | null => (arg === 'none' ? null : arg);

/** The fields `add` (which requires them) and `update` share. */
export const policyFields = <R extends boolean>(required: R) => ({
  label: field.string({ help: 'A label for the policy', short: 'l', required }),
  model_uuid: field.uuid('model', { help: 'UUID of the model to install', short: 'm', required }),
  tags: field.list({ help: 'Tags a node must have, comma-separated (all of them)', short: 't', required }),
  broker_uuid: field.uuid('broker', {
    help: "UUID of the broker to hand off to, or 'none'",
    short: 'b',
    none: 'none',
  }),
  enabled: field.bool({ help: 'Whether the policy binds nodes', short: 'e' }),
  maximum: field.int({ help: 'Most nodes bound at once; 0 = unlimited', short: 'x', min: 0 }),
});
