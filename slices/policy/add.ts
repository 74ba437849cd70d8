/** `razor policy add`: a new policy, appended to the end of the policy table. */
import { field, withDefault } from '../../lib/verbs/fields.js';
import { defineVerb } from '../../lib/verbs/spec.js';
import { created } from '../../lib/verbs/crud/index.js';
import { policyOrder, saveOrder } from '../../lib/engine/policy-order.js';
import { brokerOf, checkModel, policyFields, presentPolicy } from './present.js';
import { withWarnings } from '../../lib/verbs/warnings.js';
import { tagsNoRuleMakes } from '../../lib/tags/tag-producers.js';
import type { NodeDoc, PolicyDoc, TagRuleDoc } from '../../lib/domain/documents.js';

// The policy templates a policy can be made from.
const shared = policyFields(true);

/** The `add` verb. */
export const addVerb = defineVerb({
  name: 'add',
  summary: 'Create a policy (appended to the end of the policy table)',
  fields: {
    template: field.catalogEnum('policyTemplates', {
      help: 'Policy template',
      short: 'p',
      required: true,
    }),
    ...shared,
    broker_uuid: withDefault(shared.broker_uuid, 'none'),
    enabled: withDefault(shared.enabled, false),
    maximum: withDefault(shared.maximum, 0),
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
      const model = await checkModel(w, input.template, input.model_uuid);
      const doc: PolicyDoc = {
        ...created(ctx),
        label: input.label,
        template: input.template,
        model_uuid: input.model_uuid,
        broker_uuid: brokerOf(input.broker_uuid),
        tags: input.tags,
        enabled: input.enabled,
        maximum_count: input.maximum,
        counter: 0,
      };
      await w.put('policy', doc);
      await saveOrder(w, [...(await policyOrder(w)).filter((u) => u !== doc.uuid), doc.uuid]);
      // Still created: the rule may come later. But say so, or the policy silently never binds.
      const facts = (await w.all<NodeDoc>('node')).map((n) => n.attributes);
      const orphans = tagsNoRuleMakes(doc.tags, await w.all<TagRuleDoc>('tag'), facts);
      return withWarnings(
        [await presentPolicy(doc, w, model)],
        orphans.map((t) => `no tag rule produces the tag '${t}': this policy matches no node until one does`),
      );
    }),
});
