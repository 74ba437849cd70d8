/**
 * A bounded, seeded fuzzer (fast-check) built from the declarations: for each declared verb a
 * well-formed call (its samples, values that fit each field, seeded UUIDs, catalog names —
 * declared-calls.ts), then most often broken on purpose (mutations.ts), sent over HTTP to the
 * daemon's app with the real authorizer and a bearer token on admin routes (http-call.ts), and as
 * `razor -w` words to the dispatcher. Properties: never a 5xx, never an unexpected error, and a
 * refused (4xx) request leaves the store file byte-identical. At the end it prints what it reached
 * per route and verb and per mutation, and fails when too few requests reached a handler or a
 * declared verb never answered 2xx or never refused a request (coverage.ts).
 *
 * `FUZZ_SEED=<n>` replays a run (the seed is printed); `RAZOR_FUZZ_RUNS=<n>` sets its size.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import http from 'node:http';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { allSlices } from '../../slices/index.js';
import { dispatchArgv } from '../../lib/verbs/dispatch.js';
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import { routedApp } from '../../daemon/invoke.js';
import { newToken } from '../../lib/domain/tokens.js';
import { authorizer } from '../../daemon/rest/authorize.js';
import { inProcessInvoke } from '../helpers/app.js';
import { ROOT, builtInCatalog, testDeps } from '../helpers/deps.js';
import {
  declaredTargets,
  domainOf,
  wellFormed,
  type Call,
  type Domain,
  type Target,
} from './declared-calls.js';
import { offTheFilesystem } from './local-paths.js';
import { inputMutation, mutate, requestMutation, type InputMutation, type MutatedCall } from './mutations.js';
import { send, toHttp } from './http-call.js';
import { argvOf } from './argv-call.js';
import { instrument, tally, type Reach } from './coverage.js';
import { fuzzStore, type FuzzStore } from './fuzz-store.js';
import type { Deps } from '../../lib/verbs/context.js';

const RUNS = Number(process.env.RAZOR_FUZZ_RUNS ?? 10_000);
/** A run made small on purpose (RAZOR_FUZZ_RUNS) may skip the per-verb checks; the default run may not. */
const SMALL_RUN_ALLOWED = process.env.RAZOR_FUZZ_RUNS !== undefined;
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31 - 1));
/** Share of requests that must run a handler: well-formed calls are most of them. */
const MIN_REACHED = 0.5;
/**
 * Verbs (`<slice> <verb>`) whose success removes seeded objects — a restore replaces them all, the
 * fuzzer's token too: the store is put back to the seed after them.
 */
const REMOVES = /remove|revoke|^restore /;

const TOKEN = newToken();
const reach: Reach = { handlers: 0, errorTexts: 0 };
const registry = instrument(allSlices(await builtInCatalog()), reach);
const targets = declaredTargets(registry);
const restTargets = targets.filter((t) => t.pattern);

let store: FuzzStore;
let deps: Deps;
let domain: Domain;
let server: http.Server;
let port: number;
// A fresh connection per request: a server that answers before reading a body may close the socket.
const agent = new http.Agent({ keepAlive: false });

beforeAll(async () => {
  store = await fuzzStore(TOKEN);
  // bmc update runs ipmitool: the test double, never a real BMC.
  deps = await testDeps(store.home, { PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}:${process.env.PATH}` });
  domain = domainOf(deps.catalog);
  const app = routedApp(registry, {
    invoke: inProcessInvoke(deps),
    log: pino({ level: 'silent' }),
    bodyLimitBytes: 1 << 20,
    requestTimeoutMs: 30_000,
    health: () => ({}),
    // Tokens only, as over the network: every admin request carries the bearer token.
    authorize: authorizer({
      store: deps.store,
      allowLocalhost: 'false',
      channel: 'tcp',
    }),
  });
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  process.stdout.write(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays this run)\n`);
});
afterAll(async () => {
  agent.destroy();
  await new Promise((r) => server.close(r));
  store.cleanup();
});

/** A well-formed call and an input mutation, applied when the case runs (huge values stay out of the case). */
const callOf = (ts: readonly Target[]) =>
  fc.record({
    // Without bias: fast-check favours the first choices in early runs; every verb gets its share.
    wellFormed: fc.noBias(fc.constantFrom(...ts)).chain((t) => wellFormed(t, domain)),
    change: inputMutation,
  });

/** Fails with the property's own message: fast-check would print the case, huge values and all. */
const shortReport = (details: { failed: boolean; errorInstance: unknown; numRuns: number }) => {
  if (details.failed)
    throw new Error(
      `after ${details.numRuns} runs: ${(details.errorInstance as Error).stack?.slice(0, 1500)}`,
    );
};

/**
 * Runs `run` for each generated case, checking after each: no 5xx, and a refused request left the
 * store byte-identical.
 */
async function fuzz<T extends { call: { wellFormed: Call; change: InputMutation } }>(
  arbitrary: fc.Arbitrary<T>,
  run: (call: MutatedCall, c: T) => Promise<{ status: number; body: string; what: string; mutation: string }>,
  seed: number,
) {
  const seen = tally();
  let before = await store.reseed();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (c) => {
      const reached = { ...reach };
      const call = offTheFilesystem(mutate(c.call.wellFormed, c.call.change));
      const r = await run(call, c);
      const detail = `${r.what} [${call.target.key}; ${r.mutation}] → ${r.status} ${r.body.slice(0, 300)}`;
      if (r.status >= 500) throw new Error(`5xx: ${detail}`);
      const after = store.bytes();
      if (r.status >= 400 && !after.equals(before))
        throw new Error(`refused, yet the store changed: ${detail}`);
      seen.add({
        target: call.target,
        mutation: r.mutation,
        status: r.status,
        body: r.body,
        reachedHandler: reach.handlers > reached.handlers,
        usedErrorText: reach.errorTexts > reached.errorTexts,
      });
      const removed = r.status < 300 && REMOVES.test(call.target.key) && !after.equals(before);
      before = await store.after(removed, after);
    }),
    { numRuns: RUNS, seed, endOnFailure: true, reporter: shortReport },
  );
  return seen;
}
test(`${RUNS} HTTP requests from the declarations: no 5xx, refused ones change nothing, handlers reached`, async () => {
  const arbitrary = fc.record({ call: callOf(restTargets), request: requestMutation, encoding: fc.nat() });
  const seen = await fuzz(
    arbitrary,
    async (call, { request, encoding }) => {
      const r = toHttp(call, request, encoding, TOKEN);
      const answer = await send(port, r, agent);
      const mutation = [call.mutation, request.name].filter((m) => m !== 'none').join(' + ') || 'none';
      return {
        ...answer,
        what: `${r.method} ${r.path.slice(0, 300)} ${(r.body ?? '').slice(0, 300)}`,
        mutation,
      };
    },
    SEED,
  );
  process.stdout.write(seen.report(`HTTP fuzz (seed ${SEED})`, restTargets));
  expect(seen.problems(restTargets, MIN_REACHED, SMALL_RUN_ALLOWED)).toEqual([]);
}, 600_000);

test(`${RUNS} -w calls from the declarations: one envelope or text each, refused ones change nothing`, async () => {
  const arbitrary = fc.record({ call: callOf(targets), form: fc.nat(), argvMutation: fc.nat({ max: 29 }) });
  const seen = await fuzz(
    arbitrary,
    async (call, { form, argvMutation }) => {
      const { argv, mutation } = argvOf(call, form, argvMutation);
      const wire = await translateToHttp(
        await dispatchArgv(deps, registry, argv, {
          mode: 'web',
          report: (e) => {
            throw e;
          },
        }),
        deps,
      );
      if (wire.contentType.startsWith('application/json')) JSON.parse(wire.body);
      return { status: wire.status, body: wire.body, what: JSON.stringify(argv).slice(0, 600), mutation };
    },
    SEED + 1,
  );
  process.stdout.write(seen.report(`-w fuzz (seed ${SEED + 1})`, targets));
  expect(seen.problems(targets, MIN_REACHED, SMALL_RUN_ALLOWED)).toEqual([]);
}, 600_000);
