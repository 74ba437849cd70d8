/** The `policy` slice: which nodes get which model, in table order (reference §1.5, §5). */
import { templatesVerb } from '../shared-verbs.js';
import { defineSlice } from '../../lib/verbs/spec.js';
import { bracketed, columns } from '../../lib/verbs/columns.js';
import { crudVerbs } from '../../lib/verbs/crud/index.js';
import { crud } from './present.js';
import { addVerb } from './add.js';
import { toggle, updatePolicyVerb } from './update.js';
import { callbackVerb } from './callback.js';
import { simulateVerb } from './simulate.js';

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
  table: columns({
    '#': 'line_number',
    Enabled: 'enabled',
    Label: 'label',
    Tags: bracketed('tags'),
    'Model Label': 'model_label',
    '#/Max': (o) => `${o.current_count}/${o.maximum_count === 0 ? '-' : o.maximum_count}`,
    Counter: 'counter',
    UUID: 'uuid',
  }),
  item: columns({
    UUID: 'uuid',
    'Line Number': 'line_number',
    Label: 'label',
    Enabled: 'enabled',
    Template: 'template',
    Tags: bracketed('tags'),
    'Model Label': 'model_label',
    'Broker Target': (o) => o.broker_uuid ?? 'none',
    'Currently Bound': 'current_count',
    'Maximum Bound': (o) => (o.maximum_count === 0 ? 'unlimited' : o.maximum_count),
    'Bound Counter': 'counter',
  }),
  verbs: [
    ...crudVerbs(crud),
    templatesVerb({
      summary: 'List the policy templates',
      command: 'get_policy_templates',
      list: (ctx) => ctx.catalog.policyTemplates.map((t) => ({ ...t })),
    }),
    addVerb,
    updatePolicyVerb,
    toggle('enable'),
    toggle('disable'),
    callbackVerb,
    simulateVerb,
  ],
});
