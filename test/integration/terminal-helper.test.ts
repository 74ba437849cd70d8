/**
 * The test terminal keeps a command's whole output on a starved event loop, where node-pty alone
 * loses the tail (it destroys the terminal 200 ms after the exit, read or not).
 */
import { expect, test } from '@jest/globals';
import * as pty from 'node-pty';
import { ROOT } from '../helpers/deps.js';
import { openTerminal } from '../helpers/terminal.js';

const LINES = 20_000;

/** Keeps the event loop busy 300 ms of every 305, as a loaded machine does to the test process. */
function starve(): () => void {
  const timer = setInterval(() => {
    for (const end = Date.now() + 300; Date.now() < end;);
  }, 5);
  return () => clearInterval(timer);
}

const lastLines = (out: string) => out.trim().split(/\r?\n/);

test('on a starved event loop node-pty alone loses the end of the output (why the helper exists)', async () => {
  const stop = starve();
  const out = await new Promise<string>((resolve) => {
    const p = pty.spawn('/usr/bin/seq', ['1', String(LINES)], { cwd: ROOT, cols: 80, rows: 24 });
    let text = '';
    p.onData((d) => (text += d));
    p.onExit(() => resolve(text));
  }).finally(stop);
  // If this ever fails, node-pty waits for the output now and test/helpers/terminal.ts can go.
  expect(lastLines(out).length).toBeLessThan(LINES);
}, 120_000);

test('on the same starved loop the test terminal keeps every line and the exit code', async () => {
  const stop = starve();
  const t = openTerminal('/usr/bin/seq', ['1', String(LINES)], { cwd: ROOT, env: { PATH: '/usr/bin:/bin' } });
  const { code, out } = await t.exited.finally(stop);
  expect(code).toBe(0);
  const lines = lastLines(out);
  expect(lines).toHaveLength(LINES);
  expect(lines.at(-1)).toBe(String(LINES));
}, 120_000);

test("a command's failing exit code and a Ctrl-C it handles itself come through", async () => {
  const failing = openTerminal('/bin/sh', ['-c', 'echo no; exit 3'], { cwd: ROOT, env: {} });
  expect(await failing.exited).toEqual({ code: 3, out: 'no\r\n' });
  const script = "trap 'echo caught; exit 0' INT; echo ready; while :; do sleep 0.1; done";
  const waiting = openTerminal('/bin/sh', ['-c', script], { cwd: ROOT, env: {} });
  await waiting.waitFor('ready');
  waiting.write('\x03');
  const { code, out } = await waiting.exited;
  expect(code).toBe(0);
  expect(out).toContain('caught');
}, 60_000);
