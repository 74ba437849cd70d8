/**
 * The generic contract: every declared verb, in `-w` mode and over HTTP with both invoke modes
 * (in-process and a `razor -w` child per request). All fields and required-only succeed; a missing
 * required field is MissingArgument (114, 400) naming it; an unknown field InputError (111, 400);
 * a malformed UUID InvalidUUID (116, 400); an unknown UUID NotFound (123, 404).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import request from 'supertest';
import { allSlices } from '../../slices/index.js';
import { dispatchArgv } from '../../lib/verbs/dispatch.js';
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import { restRoute } from '../../lib/verbs/route-call.js';
import { routeWords } from '../../lib/verbs/router.js';
import { ERRORS } from '../../lib/errors.js';
import type { Invoke } from '../../daemon/app.js';
import { inProcessInvoke, testApp } from '../helpers/app.js';
import { spawnInvoke } from '../../daemon/spawn.js';
import { allCases, formWords, inWords, restPath, webArgv, type Case } from '../helpers/cases.js';
import { fillPlaceholders, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { ROOT, builtInCatalog, testDeps, testEnv } from '../helpers/deps.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { HttpMethod, VerbSpec } from '../../lib/verbs/spec.js';

const registry = allSlices(await builtInCatalog());
const cases = allCases(registry);
const fakeBin = join(ROOT, 'test', 'fixtures', 'bin');
const extraEnv = { PATH: `${fakeBin}:${process.env.PATH}` };

/**
 * The seed for a case. `remove all` can only succeed when nothing depends on the objects, so those
 * cases get a store holding just the collection being emptied (refusals are tested elsewhere).
 */
function seedFor(c: Case) {
  const data = seedData();
  if (c.verb.name !== 'remove-all' || !c.slice.collection) return data;
  const only = c.slice.collection;
  return { ...data, collections: { [only]: data.collections[only], meta: data.collections.meta } };
}

interface Answer {
  status: number;
  body: string;
}

function check(c: Case, a: Answer): void {
  const detail = `${c.title}\n→ ${a.status} ${a.body.slice(0, 400)}`;
  if (c.verb.errorText && c.expect.kind) {
    // iPXE cannot read an envelope: errors are a 200 script that says what is wrong.
    expect({ status: a.status, detail }).toEqual({ status: 200, detail });
    expect(a.body.startsWith('#!ipxe\n')).toBe(true);
    expect(a.body).toContain(c.expect.mentions);
    return;
  }
  expect({ status: a.status, detail }).toEqual({ status: c.expect.status, detail });
  if (c.verb.contentType === 'text/plain' && !c.expect.kind) return;
  const env = JSON.parse(a.body);
  if (c.expect.kind) {
    expect({ code: env.std_err_code, detail }).toEqual({ code: ERRORS[c.expect.kind].code, detail });
    expect(env.http_err_code).toBe(c.expect.status);
    expect(env.result).toContain(c.expect.mentions);
  } else {
    expect({ errcode: env.errcode, detail }).toEqual({ errcode: 0, detail });
    expect(env.http_err_code).toBe(c.expect.status);
  }
}

/** A missing positional can turn the words into another verb's address (`policy get` = the list). */
function reachesVerb(c: Case, words: string[]): boolean {
  return reachesBy(c, routeWords(c.slice, words.slice(1)));
}

function reachesBy(c: Case, route: { verb: VerbSpec } | undefined): boolean {
  if (route?.verb === c.verb) return true;
  expect(c.omit).toBeDefined();
  expect(route?.verb.filter).toBe(true);
  return false;
}

test('every verb has contract cases', () => {
  const verbs = [...registry.values()].flatMap((s) => s.verbs.map((v) => `${s.name} ${v.name}`));
  const covered = new Set(cases.map((c) => `${c.slice.name} ${c.verb.name}`));
  expect(verbs.filter((v) => !covered.has(v))).toEqual([]);
  for (const s of registry.values()) {
    for (const v of s.verbs) {
      const fields = new Set([v.sample, ...(v.moreSamples ?? [])].flatMap((x) => Object.keys(x ?? {})));
      expect({
        verb: `${s.name} ${v.name}`,
        missing: Object.keys(v.fields).filter((f) => !fields.has(f)),
      }).toEqual({
        verb: `${s.name} ${v.name}`,
        missing: [],
      });
    }
  }
});

describe('-w mode', () => {
  let home: ReturnType<typeof tempHome>;
  let deps: Deps;
  beforeAll(async () => {
    home = tempHome();
    deps = await testDeps(home.home, extraEnv);
  });
  afterAll(() => home.cleanup());
  test.each(cases.map((c) => [c.title, c] as const))('%s', async (_t, c) => {
    await writeSeed(home.home, seedFor(c));
    const { words, json } = webArgv(c);
    if (!reachesVerb(c, words)) return;
    const outcome = await dispatchArgv(deps, registry, [...words, JSON.stringify(json)], { mode: 'web' });
    check(c, await translateToHttp(outcome, deps));
  });
});

const modes: [string, (home: string, deps: Deps) => Invoke][] = [
  ['in-process', (_home, deps) => inProcessInvoke(deps)],
  [
    'spawn',
    (home) =>
      spawnInvoke({ razorBin: join(ROOT, 'bin', 'razor'), env: testEnv(home, extraEnv), timeoutMs: 30_000 }),
  ],
];

describe.each(modes)('HTTP, invoke %s', (_mode, makeInvoke) => {
  let home: ReturnType<typeof tempHome>;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    home = tempHome();
    const deps = await testDeps(home.home, extraEnv);
    app = testApp(deps, makeInvoke(home.home, deps));
  });
  afterAll(() => home.cleanup());

  const reachable = cases.filter((c) => c.verb.http !== null && c.slice.http !== false);
  test.each(reachable.map((c) => [c.title, c] as const))('%s', async (_t, c) => {
    await writeSeed(home.home, seedFor(c));
    const path = restPath(registry, c);
    expect({ title: c.title, path: path !== undefined }).toEqual({ title: c.title, path: true });
    const parts = path as string[];
    if (!reachesBy(c, restRoute(registry, c.verb.http as HttpMethod, parts).route)) return;
    const json = Object.fromEntries(Object.entries(c.input).filter(([k]) => !inWords(c).has(k)));
    const url = `/razor/api/${parts.map(encodeURIComponent).join('/')}`;
    const method = c.verb.http as HttpMethod;
    const agent = request(app);
    const res =
      method === 'GET' || method === 'DELETE'
        ? await agent[method === 'GET' ? 'get' : 'delete'](url).query({ json_hash: JSON.stringify(json) })
        : await agent[method === 'POST' ? 'post' : 'put'](url).send(json);
    check(c, { status: res.status, body: res.text });
  });

  const unreachable = [...registry.values()].flatMap((s) =>
    s.verbs
      .filter((v) => v.http === null || s.http === false)
      .map((v) => [`${s.name} ${v.name}`, s, v] as const),
  );
  test.each(unreachable)('%s is not served over REST', async (_t, s, v) => {
    await writeSeed(home.home);
    const sample = fillPlaceholders(v.sample ?? {});
    const words = [v.name, ...(v.forms ?? [])]
      .map((f) =>
        f === v.name
          ? formWords([v.name, ...(v.positional ?? []).map((p) => `:${p}`)].join(' '), sample)
          : formWords(f, sample),
      )
      .find((w) => w && routeWords(s, w)?.verb === v);
    const res = await request(app).get(`/razor/api/${[s.name, ...(words ?? [])].join('/')}`);
    expect({ verb: `${s.name} ${v.name}`, status: res.status }).toEqual({
      verb: `${s.name} ${v.name}`,
      status: s.http === false ? 404 : 405,
    });
  });
});
