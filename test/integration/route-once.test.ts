/**
 * A call is routed once (ADR 0021): a REST request, a `-w` call and a human CLI call each make
 * exactly one call to the router (counted through an injected one), whatever word order or REST
 * form they use; commander is given only the routed verb and applies no defaults; and a bad value
 * gets the same message from validation on the CLI as over `-w` and REST.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { allSlices } from '../../slices/index.js';
import { ROUTER, type Router } from '../../lib/verbs/route-call.js';
import { runWeb } from '../../lib/cli/run-web.js';
import { runHuman } from '../../lib/cli/run-human.js';
import { sliceProgram } from '../../lib/cli/program.js';
import { inProcessInvoke, testApp } from '../helpers/app.js';
import { builtInCatalog, testDeps } from '../helpers/deps.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { SliceSpec } from '../../lib/verbs/spec.js';

const registry = allSlices(await builtInCatalog());
let home: ReturnType<typeof tempHome>;
let deps: Deps;

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  deps = await testDeps(home.home);
});
afterAll(() => home.cleanup());

/** A router that counts its calls, routing as razor's does. */
function countingRouter() {
  const calls = { words: 0, rest: 0 };
  const router: Router = {
    words: (slice, words) => {
      calls.words++;
      return ROUTER.words(slice, words);
    },
    rest: (slice, method, words) => {
      calls.rest++;
      return ROUTER.rest(slice, method, words);
    },
  };
  return { calls, router };
}

/** A stream standing in for stdin/stdout/stderr, collecting what is written. */
function stream() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { s: s as unknown as NodeJS.WriteStream & NodeJS.ReadStream, text: () => text };
}

async function web(args: string[], router?: Router) {
  const [out, err] = [stream(), stream()];
  const exit = await runWeb({
    deps,
    registry,
    args,
    env: {},
    debug: false,
    stdin: stream().s,
    stdout: out.s,
    stderr: err.s,
    router,
  });
  return { exit, body: out.text() };
}

async function human(args: string[], router?: Router) {
  const [out, err] = [stream(), stream()];
  const exit = await runHuman({
    deps,
    registry,
    args,
    version: 'test',
    color: false,
    verbose: false,
    debug: false,
    help: false,
    stdin: stream().s,
    stdout: out.s,
    stderr: err.s,
    router,
  });
  return { exit, stdout: out.text(), stderr: err.text() };
}

describe('one routing per call', () => {
  test.each([
    ['GET', `/razor/api/policy/${SEED.policy}`, 200],
    ['GET', `/razor/api/policy/get/${SEED.policy}`, 200],
    ['GET', `/razor/api/tag/${SEED.tag}/matcher/${SEED.tag_matcher}`, 200],
    ['PUT', `/razor/api/tag/${SEED.tag}/matcher/${SEED.tag_matcher}`, 202],
    ['GET', '/razor/api/boot?hw_id=52:54:00:aa:bb:cc', 200],
    ['GET', '/razor/api/policy/no/such/words', 404],
  ] as const)('REST %s %s', async (method, url, status) => {
    const { calls, router } = countingRouter();
    const app = testApp(deps, inProcessInvoke(deps), { router });
    const res = await request(app)[method === 'GET' ? 'get' : 'put'](url).send({});
    expect(res.status).toBe(status);
    expect(calls).toEqual({ words: 0, rest: 1 });
  });

  test.each([
    [['policy', 'get', SEED.policy, '{}']],
    [['policy', SEED.policy]],
    [['tag', SEED.tag, 'matcher', SEED.tag_matcher]],
    [['boot', '{"hw_id":"52:54:00:aa:bb:cc"}']],
  ])('-w %j', async (args) => {
    const { calls, router } = countingRouter();
    expect((await web(args, router)).exit).toBe(0);
    expect(calls).toEqual({ words: 1, rest: 0 });
  });

  test.each([
    [['policy', 'get', SEED.policy]],
    [['policy', SEED.policy]],
    [['tag', SEED.tag, 'matcher', SEED.tag_matcher]],
    [['policy']],
  ])('CLI %j', async (args) => {
    const { calls, router } = countingRouter();
    const r = await human(args, router);
    expect({ exit: r.exit, stderr: r.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(calls).toEqual({ words: 1, rest: 0 });
  });
});

describe('commander reads options only', () => {
  const policy = registry.get('policy') as SliceSpec;
  const add = policy.verbs.find((v) => v.name === 'add');

  test('it is given the routed verb alone', () => {
    const route = ROUTER.words(policy, ['add']);
    const program = sliceProgram(policy, async () => undefined, 'test', route);
    const slices = program.commands.filter((c) => !['daemon', 'completion'].includes(c.name()));
    expect(slices.map((c) => c.name())).toEqual(['policy']);
    expect(slices[0]?.commands.map((c) => c.name())).toEqual(['add']);
  });

  test('it applies no defaults: validation does, once', async () => {
    const route = ROUTER.words(policy, ['add']);
    const seen: Record<string, unknown>[] = [];
    const program = sliceProgram(policy, async (_s, _v, raw) => void seen.push(raw), 'test', route);
    await program.parseAsync(['policy', 'add', '-p', 'linux_deploy', '-l', 'web'], { from: 'user' });
    const defaulted = Object.entries(add?.fields ?? {}).filter(([, f]) => f.default !== undefined);
    expect(defaulted.length).toBeGreaterThan(0);
    expect(seen).toEqual([{ template: 'linux_deploy', label: 'web' }]);
  });
});

test('a bad -p value gets the same message on the CLI as over -w and REST', async () => {
  const input = { template: 'no_such_template', label: 'web', model_uuid: SEED.model, tags: 'a' };
  const overWeb = await web(['policy', 'add', JSON.stringify(input)]);
  const message = JSON.parse(overWeb.body).result as string;
  expect(message).toContain("'template'");
  expect(message).toContain('must be one of');
  expect(message).toContain("got 'no_such_template'");
  const rest = await request(testApp(deps)).post('/razor/api/policy').send(input);
  expect({ status: rest.status, message: rest.body.result }).toEqual({ status: 400, message });
  const cli = await human([
    'policy',
    'add',
    '-p',
    'no_such_template',
    '-l',
    'web',
    '-m',
    SEED.model,
    '-t',
    'a',
  ]);
  expect({ exit: cli.exit, stderr: cli.stderr }).toEqual({
    exit: 2,
    stderr: `razor policy add: ${message}\n(see 'razor policy add --help')\n`,
  });
  expect(overWeb.exit).toBe(2);
});
