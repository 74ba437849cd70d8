/**
 * A handler's input is typed from its field declarations (issue 11, item 3): `tsc -p tsconfig.json`
 * checks this file, so the `@ts-expect-error` lines below fail the type check the day a handler
 * may read a field it did not declare, or may take an optional field for a sure one. At run time
 * the same verbs go through the real dispatcher, so the types describe what handlers really get.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDeps } from '../helpers/deps.js';
import { execute } from '../../lib/verbs/dispatch.js';
import { field } from '../../lib/verbs/fields.js';
import { columns } from '../../lib/verbs/columns.js';
import { updateVerb } from '../../lib/verbs/crud/index.js';
import { defineSlice, defineVerb } from '../../lib/verbs/spec.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { TagRuleDoc } from '../../lib/domain/documents.js';

/** What the handler below saw, to compare with its declared types. */
const seen: Record<string, unknown>[] = [];

const probe = defineVerb({
  name: 'probe',
  summary: 'Echo the typed input',
  fields: {
    name: field.string({ help: 'required text', required: true }),
    count: field.int({ help: 'optional number' }),
    colour: field.enum(['red', 'blue'], { help: 'enum with default', default: 'red' }),
    items: field.list({ help: 'list with default', default: [] }),
    node: field.uuid(null, { help: 'optional uuid' }),
  },
  success: 'ok',
  http: 'GET',
  sample: { name: 'x' },
  handler: async (input) => {
    const name: string = input.name;
    const colour: 'red' | 'blue' = input.colour;
    const items: string[] = input.items;
    const count: number | undefined = input.count;
    // @ts-expect-error an optional field may be missing: it is `number | undefined`
    const sureCount: number = input.count;
    // @ts-expect-error `size` is not a declared field of this verb
    const size: unknown = input.size;
    seen.push({ name, colour, items, count, sureCount, size, node: input.node });
    return 'ok';
  },
});

const tags = updateVerb(
  { slice: 'tag', collection: 'tag', noun: 'tag rule' },
  {
    summary: 'Rename a rule',
    fields: { name: field.string({ help: 'New name' }) },
    http: 'PUT',
    sample: null,
    apply: (doc: TagRuleDoc, input) => {
      // @ts-expect-error update's `apply` sees only the fields it declares
      const _tag: unknown = input.tag;
      // @ts-expect-error `name` is optional in an update: it may be undefined
      const sureName: string = input.name;
      doc.name = sureName ?? doc.name;
    },
  },
);

const slice = defineSlice({ name: 'probe', summary: 'typed input', verbs: [probe, tags] });

let home: string;
let deps: Deps;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'razor-verb-types-'));
  deps = { ...(await testDeps(home)), clock: () => new Date('2030-01-02T03:04:05.000Z') };
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('handler input typed from its fields', () => {
  test('the handler gets what the types say: required and defaulted values, parsed, missing ones undefined', async () => {
    await execute(deps, slice, probe, { name: ' web ', count: '3' }, { mode: 'web' });
    await execute(deps, slice, probe, { name: 'db' }, { mode: 'web' });
    expect(seen).toEqual([
      { name: 'web', colour: 'red', items: [], count: 3, sureCount: 3, size: undefined, node: undefined },
      {
        name: 'db',
        colour: 'red',
        items: [],
        count: undefined,
        sureCount: undefined,
        size: undefined,
        node: undefined,
      },
    ]);
  });

  test('updateVerb adds the uuid field first, then stamps, writes and answers the changed object', async () => {
    expect(Object.keys(tags.fields)).toEqual(['uuid', 'name']);
    expect(tags.fields.uuid?.help).toBe('UUID of the tag rule');
    const rule = { uuid: 'TypedRule0000000000001', name: 'a', tag: 't', matchers: [] };
    const old = { ...rule, created_at: '2020-01-01T00:00:00.000Z', updated_at: '2020-01-01T00:00:00.000Z' };
    await deps.store.write((w) => w.put('tag', old));
    const out = await execute(deps, slice, tags, { uuid: rule.uuid, name: 'b' }, { mode: 'web' });
    const want = { ...old, name: 'b', updated_at: '2030-01-02T03:04:05.000Z' };
    expect(out).toEqual([want]);
    expect(await deps.store.read((r) => r.get('tag', rule.uuid))).toEqual(want);
  });

  test('columns() keeps the order written and reads a property or a function', () => {
    const cols = columns({ UUID: 'uuid', '#': (o) => Number(o.n) + 1, Label: 'label' });
    expect(cols.map((c) => c.header)).toEqual(['UUID', '#', 'Label']);
    expect(cols.map((c) => c.value({ uuid: 'u', n: 1, label: 'l' }))).toEqual(['u', 2, 'l']);
  });
});
