/**
 * `--follow` in a pseudo-terminal against a real daemon: `razor active_model <uuid> logs --follow`
 * prints the log, then each state change of that install as it happens (an admin's reinstall of
 * a timed-out install) and nothing of other machines; `razor log --follow` prints a registration as
 * it happens, on this host (the home's journal) and through the remote CLI (the daemon's event
 * stream); Ctrl-C ends it with status 0. The stream itself refuses a caller without a token.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { openTerminal } from '../helpers/terminal.js';
import { ROOT, testEnv } from '../helpers/deps.js';
import { SEED, tempHome } from '../helpers/fixture.js';
import { RAZOR, registerNode, type DaemonProcess } from '../helpers/daemon.js';
import { ADMIN_TOKEN, adminCall, stored } from '../helpers/from-address.js';
import { until } from '../helpers/poll.js';
import { startSweepingDaemon } from '../helpers/sweeping-daemon.js';

/** Waits until `check` is true (a generous deadline: the machine may be loaded). */
const pollUntil = (
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: () => string = () => 'a condition',
) => until(what(), async () => ((await check()) ? true : undefined), ms, 100);

const home = tempHome();
let d: DaemonProcess;

beforeAll(async () => {
  // The seeded install last called back long ago: the daemon's sweep times it out at once.
  d = await startSweepingDaemon(home.home);
  await pollUntil(
    () => stored<{ state: string }>(home.home, 'active_model', SEED.active_model).state === 'timeout_error',
    60_000,
  );
});
afterAll(async () => {
  await d?.stop();
  home.cleanup();
});

/** `razor …args` in a terminal: its output so far, a wait for text, Ctrl-C, and its exit. */
function atTerminal(args: string[], env: Record<string, string> = {}) {
  const t = openTerminal(RAZOR, args, { cwd: ROOT, env: testEnv(home.home, env) });
  return {
    output: t.output,
    waitFor: (text: string) => t.waitFor(text, 60_000),
    interrupt: async () => {
      t.write('\x03');
      return (await t.exited).code;
    },
  };
}

test("an install's log, then its state changes as they happen", async () => {
  const t = atTerminal(['active_model', SEED.active_model, 'logs', '--follow']);
  await t.waitFor('timeout_error');
  // Output after the table is live: a registration of another machine is not this install's.
  expect(await registerNode(d, '525400f01001')).toBe(200);
  const res = await adminCall(d, 'POST', `/razor/api/active_model/reinstall/${SEED.active_model}`);
  expect(res.status).toBe(202);
  await t.waitFor('node-state-changed  node1.example.com  timeout_error → init (reinstall');
  expect(await t.interrupt()).toBe(0);
  expect(t.output()).not.toContain('node-registered');
});

test.each([
  ['on this host', [] as string[], {}],
  ['through the remote CLI', ['--url', 'DAEMON'], { RAZOR_TOKEN: ADMIN_TOKEN }],
])('razor log --follow %s shows a registration as it happens', async (_how, before, env) => {
  const args = [...before.map((a) => (a === 'DAEMON' ? d.url : a)), 'log', '--follow'];
  const t = atTerminal(args, env);
  // The stream is open once the answer (the log table, or nothing remotely) is printed.
  await pollUntil(() => t.output().length > 0, 60_000);
  // Registering new machines until one shows: the remote stream may open a moment after the
  // first output (locally, events after the answer's mark are shown whenever it attaches).
  let n = 0;
  await pollUntil(
    async () => {
      const mac = `525400f0${before.length ? 2 : 3}${String(++n).padStart(3, '0')}`;
      expect(await registerNode(d, mac)).toBe(200);
      return t.output().includes('node-registered  ');
    },
    60_000,
    () => 'a registration shown',
  );
  expect(await t.interrupt()).toBe(0);
});

test('the event stream needs a token; bad input is a 400', async () => {
  const bare = await fetch(`${d.url}/razor/api/events?since=now`, { headers: { connection: 'close' } });
  // Loopback callers are trusted only over the owner's socket (the default): TCP needs a token.
  expect(bare.status).toBe(401);
  const bad = await fetch(`${d.url}/razor/api/events?since=yesterday`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain("since: must be an event number or 'now'");
});
