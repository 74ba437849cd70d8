/**
 * Attack 8 of issue 10, terminal escape injection: a hostile machine registers facts full of
 * escape sequences (an OSC window title, a CSI clear screen, a bell, a one-character C1 CSI, a bidi
 * override, a newline) through the real daemon; then the operator runs the real `razor` as a child
 * process and in a pseudo-terminal. No raw control character reaches stdout or stderr except the
 * layout's newlines (and, on a terminal, the renderer's own colour codes and the terminal's own
 * carriage returns); the data shows escaped (`\x1b]0;pwned\x07`); `-w` JSON parses back to exactly
 * the registered strings.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { ROOT, testEnv } from '../helpers/deps.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { RAZOR, runRazor, type RazorRun, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { openTerminal } from '../helpers/terminal.js';

/** Facts as a hostile machine sends them, keys included. */
const FACTS: Record<string, string> = {
  osc_title: '\u001b]0;pwned\u0007',
  clear_screen: '\u001b[2J\u001b[H',
  bell: 'ding\u0007',
  c1_csi: '\u009b2Jgone',
  bidi: 'invoice\u202efdp.exe',
  isolate: '\u2067txt.sh\u2069',
  newline: 'line1\nStatus       =>  bound',
  del: 'x\u007f',
  '\u001b[8mhidden_key': 'key with a conceal code',
  mk_hw_nic_count: '2',
};
const LAST_STATE = 'idle\u001b]2;state\u0007';

/** Every character a terminal may act on (the class razor escapes). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The raw unsafe characters of `text` other than `allowed` ones, as code points. */
const rawControls = (text: string, allowed = '\n') =>
  [...text.matchAll(UNSAFE)]
    .map((m) => m[0])
    .filter((c) => !allowed.includes(c))
    .map((c) => c.codePointAt(0));

type Run = RazorRun;

let home: ReturnType<typeof tempHome>;
let daemon: DaemonProcess | undefined;
let uuid: string;
let registered: string;

const razor = (args: string[]): Promise<Run> => runRazor(args, testEnv(home.home));

/** Sends raw bytes as one HTTP request and returns the status line. */
function rawRequest(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(request));
    let answer = '';
    s.on('data', (d) => (answer += d.toString('latin1')));
    s.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
    s.on('error', reject);
  });
}

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  daemon = await startDaemon(home.home);
  // The Microkernel's own way: a form with the JSON in json_hash, no token (a node-facing route).
  const res = await fetch(`${daemon.url}/razor/api/node/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      json_hash: JSON.stringify({ hw_id: '525400DEAD01', last_state: LAST_STATE, attributes_hash: FACTS }),
    }),
  });
  registered = await res.text();
  expect(res.status).toBe(200);
  uuid = (JSON.parse(registered) as { response: { uuid: string } }).response.uuid;
  // A rule on a hostile fact: `node tags --explain` quotes its value.
  const rule = { name: 'titled', tag: 'titled', rule: ['=', ['fact', 'osc_title'], 'x'] };
  expect((await razor(['-w', 'tag', 'add', JSON.stringify(rule)])).code).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
  home.cleanup();
});

test("the daemon's JSON answer carries the facts \\u-escaped, and parses back to them exactly", () => {
  expect(rawControls(registered, '')).toEqual([]);
  const node = (JSON.parse(registered) as { response: { attributes: unknown; last_state: string } }).response;
  expect(node.attributes).toEqual(FACTS);
  expect(node.last_state).toBe(LAST_STATE);
});

test('an unreadable body quoted in an error comes back \\u-escaped', async () => {
  const res = await fetch(`${(daemon as DaemonProcess).url}/razor/api/node/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"hw_id":\u009b2J\u202e\u001b]0;x\u0007',
  });
  const body = await res.text();
  expect(res.status).toBe(400);
  expect(body).toMatch(/\\u009b|\\u202e|\\u001b/);
  expect(rawControls(body, '')).toEqual([]);
});

test('a raw control character in a request line is refused by the HTTP parser and never logged', async () => {
  const port = (daemon as DaemonProcess).port;
  for (const bad of ['\u001b]0;x\u0007', '\u00c2\u009b2J', '\u007f']) {
    const line = await rawRequest(
      port,
      Buffer.from(`GET /razor/api/node/checkin?hw_id=${bad} HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1'),
    );
    expect(line).toBe('HTTP/1.1 400 Bad Request');
  }
});

test.each([
  ['the node list', () => ['node']],
  ['a node', () => ['node', 'get', uuid]],
  ['its facts', () => ['node', 'get', uuid, '-f', 'attributes']],
  ['every field', () => ['-v', 'node', 'get', uuid]],
  ['its tags, explained', () => ['node', 'tags', uuid, '--explain']],
  ['an error quoting a hostile UUID', () => ['node', 'get', FACTS.osc_title as string]],
  ['a refused option value', () => ['node', 'get', uuid, '-f', FACTS.clear_screen as string]],
  ['an unknown slice', () => [FACTS.c1_csi as string]],
])('%s: no raw control character reaches stdout or stderr', async (_what, args) => {
  const r = await razor(args());
  const detail = `${JSON.stringify(args())}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect({ detail, stdout: rawControls(r.stdout), stderr: rawControls(r.stderr) }).toEqual({
    detail,
    stdout: [],
    stderr: [],
  });
  // Something was shown: the data or the message quoting it, escaped into visible text.
  expect(`${r.stdout}${r.stderr}`).toMatch(/\\x1b|\\x9b|\\x07|memsize|nics_2|\\u202e/);
});

test('facts, keys and the state show escaped, each visible', async () => {
  const facts = await razor(['node', 'get', uuid, '-f', 'attributes']);
  expect(facts.code).toBe(0);
  for (const shown of [
    '\\x1b]0;pwned\\x07',
    '\\x1b[2J\\x1b[H',
    'ding\\x07',
    '\\x9b2Jgone',
    'invoice\\u202efdp.exe',
    '\\u2067txt.sh\\u2069',
    'line1\\nStatus       =>  bound',
    'x\\x7f',
    '\\x1b[8mhidden_key',
  ])
    expect(facts.stdout).toContain(shown);
  // The newline in a fact does not start a line of its own that looks like the item's.
  expect(facts.stdout.split('\n').filter((l) => /^\s*Status\s+=>/.test(l))).toEqual([]);
  expect((await razor(['-v', 'node', 'get', uuid])).stdout).toContain('idle\\x1b]2;state\\x07');
  const err = await razor(['node', 'get', FACTS.osc_title as string]);
  expect(err.code).not.toBe(0);
  expect(err.stderr).toContain("'\\x1b]0;pwned\\x07' is not a UUID");
});

test('razor log shows a logged hostile value escaped', async () => {
  // The daemon's request lines hold URLs, which cannot carry raw controls (see above); a logged
  // value that does (a fact, a message) must still show escaped: append such an entry.
  await (daemon as DaemonProcess).stop();
  daemon = undefined;
  const entry = {
    level: 40,
    time: Date.now(),
    who: 'node\u009b2J',
    msg: `hostile ${FACTS.osc_title}\nforged`,
  };
  appendFileSync(join(home.home, 'log', 'razor.log'), `${JSON.stringify(entry)}\n`);
  const r = await razor(['log', '-t', '50']);
  expect(r.code).toBe(0);
  expect(rawControls(r.stdout)).toEqual([]);
  expect(rawControls(r.stderr)).toEqual([]);
  expect(r.stdout).toContain('hostile \\x1b]0;pwned\\x07\\nforged');
  expect(r.stdout).toContain('node\\x9b2J');
  expect(r.stdout).toMatch(/POST \/razor\/api\/node\/register → 200/);
});

test('-w output is exact JSON: it parses back to the registered strings, with no raw control in it', async () => {
  const facts = await razor(['-w', 'node', 'get', uuid, '{"field":"attributes"}']);
  expect(rawControls(facts.stdout)).toEqual([]);
  expect((JSON.parse(facts.stdout) as { response: unknown[] }).response).toEqual([FACTS]);
  const node = await razor(['-w', 'node', 'get', uuid]);
  expect(rawControls(node.stdout)).toEqual([]);
  const [doc] = (JSON.parse(node.stdout) as { response: { attributes: unknown; last_state: string }[] })
    .response;
  expect(doc?.attributes).toEqual(FACTS);
  expect(doc?.last_state).toBe(LAST_STATE);
  const refused = await razor(['-w', 'node', 'get', FACTS.bidi as string]);
  expect(rawControls(refused.stdout)).toEqual([]);
  expect((JSON.parse(refused.stdout) as { result: string }).result).toContain(FACTS.bidi);
});

/** Runs `razor …args` in a pseudo-terminal with colour on; stdout and stderr arrive together. */
function inPty(args: string[]): Promise<string> {
  const env = Object.fromEntries(
    Object.entries(testEnv(home.home)).filter(([key]) => key !== 'NO_COLOR' && key !== 'FORCE_COLOR'),
  );
  return openTerminal(RAZOR, args, { cwd: ROOT, env }).exited.then((r) => r.out);
}

// eslint-disable-next-line no-control-regex -- the renderer's own colour codes
const SGR = /\u001b\[[0-9;]*m/g;

test.each([
  ['its facts', () => ['node', 'get', uuid, '-f', 'attributes'], '\\x1b]0;pwned\\x07'],
  // A rule's explanation quotes values as JSON: `\u001b`, visible too.
  ['its tags, explained', () => ['node', 'tags', uuid, '--explain'], '"\\u001b]0;pwned\\u0007"'],
  ['an error quoting a hostile UUID', () => ['node', 'get', FACTS.osc_title as string], '\\x1b]0;pwned\\x07'],
])(
  'on a terminal, %s: colours work, nothing else acts on it',
  async (_what, args, shown) => {
    const out = await inPty(args());
    expect(out.match(SGR)?.length ?? 0).toBeGreaterThan(0);
    // What is left once the colour codes are gone: text, the layout's newlines, the tty's \r.
    expect(rawControls(out.replace(SGR, ''), '\r\n')).toEqual([]);
    expect(out.replace(SGR, '')).toContain(shown);
  },
  30_000,
);
