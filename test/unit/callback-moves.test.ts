/**
 * No callback moves an install back (issue 10, attack 3; ADR 0016). For every shipped model type,
 * in every state, every callback it declares — plus `reset`, `init` and `reinstall` asked of every
 * namespace — runs through the real callback handler with the install key from the pinned address,
 * and afterwards: an install that was in an installed state still is, and an install whose boot
 * answer was not `install` has not been re-armed to one that is. Model types that declare such an
 * edge are refused when razor loads them.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedData } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { callback } from '../../lib/engine/callback.js';
import { bootAnswer } from '../../lib/engine/fsm.js';
import { resolveModelTypes, type ModelType, type ModelTypeFile } from '../../lib/domain/model-type.js';
import type { Deps, VerbContext } from '../../lib/verbs/context.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';

const AM = 'MovesActive00000000001';
const KEY = 'MovesInstallKey0000001';
const FROM = '127.0.0.2';
const ASKED_OF_EVERY_NAMESPACE = ['reset', 'init', 'reinstall'];

/** Every `[namespace, args]` a node could send for `type`. */
function calls(type: ModelType): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const [ns, actions] of Object.entries(type.callbacks)) {
    for (const action of Object.keys(actions)) {
      if (action === '_') out.push([ns, []]);
      else if (action === '*') out.push([ns, ['anything']]);
      else out.push([ns, actions[action]?.store ? [action, '10.0.0.5'] : [action]]);
    }
    for (const word of ASKED_OF_EVERY_NAMESPACE) out.push([ns, [word]]);
  }
  return out;
}

// Fast scratch storage for a few thousand transactions.
const base = mkdtempSync(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'razor-moves-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let deps: Deps;
let types: ModelType[];
beforeAll(async () => {
  deps = await testDeps(base, { RAZOR_SECRETS_SERVE_LIMIT: '0' });
  types = [...deps.catalog.modelTypes.values()].filter((t) => !t.hidden);
});

test('every shipped type: no callback leaves the installed states or re-arms an install', async () => {
  expect(types.length).toBeGreaterThanOrEqual(12);
  const seed = seedData();
  const am = seed.collections.active_model?.['ActiveSeed000000000001'] as ActiveModelDoc;
  const broker = seed.collections.broker?.['BrokerSeedUsed00000001'] as ActiveModelDoc['broker'];
  const ctx: VerbContext = { ...deps, mode: 'web', method: 'GET', remote: FROM };
  const bad: string[] = [];
  let ran = 0;
  for (const type of types) {
    for (const state of Object.keys(type.states)) {
      for (const [namespace, args] of calls(type)) {
        const doc: ActiveModelDoc = {
          ...am,
          uuid: AM,
          state,
          broker,
          model: {
            ...am.model,
            type: type.name,
            metadata: { ...am.model.metadata, esx_license: 'X', ntpserver: 'ntp' },
          },
          pin: { address: FROM, key: KEY, pinned_at: am.bound_at, served: {} },
        };
        await deps.store.write(async (w) => w.put('active_model', doc));
        await callback(ctx, { activeModel: `${AM}.${KEY}`, namespace, args }).catch(() => undefined);
        const after = (await deps.store.read((r) => r.get<ActiveModelDoc>('active_model', AM)))?.state ?? '';
        ran++;
        const what = `${type.name}: ${state} --${namespace}/${args.join('/')}--> ${after}`;
        if (type.installed.includes(state) && !type.installed.includes(after))
          bad.push(`${what} (left the installed states)`);
        if (bootAnswer(type, state) !== 'install' && bootAnswer(type, after) === 'install')
          bad.push(`${what} (re-armed)`);
      }
    }
  }
  expect(ran).toBeGreaterThan(1000);
  expect(bad).toEqual([]);
});

describe('a model type that would let a node move back is refused at load', () => {
  const load = (extra: Partial<ModelTypeFile>) => {
    const files = new Map<string, { file: ModelTypeFile; dir: string }>([
      [
        '_base',
        {
          dir: '_base',
          file: {
            description: 'base',
            hidden: true,
            final_state: 'os_complete',
            installed: ['os_complete'],
            boot: { init: 'install', postinstall: 'local', os_complete: 'local' },
          },
        },
      ],
      [
        't',
        {
          dir: 't',
          file: {
            description: 't',
            policy_template: 'linux_deploy',
            image_prefix: 'os',
            states: { init: { go: 'postinstall' }, postinstall: { done: 'os_complete' }, os_complete: {} },
            ...extra,
          },
        },
      ],
    ]);
    return () => resolveModelTypes(files);
  };

  test('a well-formed type loads', () => {
    expect(load({})().get('t')?.installed).toEqual(['os_complete']);
  });
  test.each([
    [
      'an edge out of the installed states',
      { states: { init: {}, postinstall: {}, os_complete: { oops: 'postinstall' } } },
      /os_complete --oops--> postinstall leaves the installed states/,
    ],
    [
      'an edge that re-arms the install',
      { states: { init: {}, postinstall: { again: 'init' }, os_complete: {} } },
      /postinstall --again--> init would re-arm the install/,
    ],
    [
      'an else edge back',
      { states: { init: {}, postinstall: {}, os_complete: { else: 'init' } } },
      /leaves the installed/,
    ],
    [
      'installed without the final state',
      { installed: ['postinstall'] },
      /'installed' must list 'os_complete'/,
    ],
    [
      'a public callback that moves the install',
      { callbacks: { x: { go: { event: 'go', public: true } } } },
      /public callback x\/go fires go, which moves init to postinstall/,
    ],
    [
      'a public callback that stores',
      { callbacks: { x: { ip: { store: 'node_ip', public: true } } } },
      /public callback x\/ip may not store anything/,
    ],
  ])('%s', (_what, extra, why) => {
    expect(load(extra as Partial<ModelTypeFile>)).toThrow(why);
  });
});
