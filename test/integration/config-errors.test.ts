/**
 * Configuration errors met where an operator meets them — `razor daemon` starting, or any CLI
 * command: a bad number, a value outside its choices, a port out of range (config.yaml, RAZOR_*
 * environment or flag), YAML that does not parse or is not a mapping, an unknown key, a config file
 * that cannot be read. Each exits 2 with one line naming the file or variable, the key and what is
 * wrong, and leaves $RAZOR_HOME without a store or a token.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from '../helpers/deps.js';
import { tempHome } from '../helpers/fixture.js';
import { RAZOR } from '../helpers/daemon.js';

let home: ReturnType<typeof tempHome>;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

/** Runs razor (killed after 60 s: a daemon that starts despite the error fails the test). */
function razor(args: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RAZOR, ...args],
      { env: testEnv(home.home, { RAZOR_IMAGE_SVC_PORT: '0', ...env }), timeout: 60_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, err: stderr }),
    );
  });
}

const DAEMON = ['daemon', '--port', '0', '--listen', '127.0.0.1'];

/** A config.yaml holding `text`, the razor command, the expected message after `<file>: `. */
const fileCases: [string, string[], string][] = [
  ['api_port: abc', DAEMON.slice(0, 1), "api_port must be a whole number, not 'abc'"],
  ['mk_checkin_interval: -5', DAEMON, "mk_checkin_interval must be a whole number, not '-5'"],
  ['install_timeout: 1.5', DAEMON, "install_timeout must be a whole number, not '1.5'"],
  ['invoke: fork', DAEMON, "invoke must be one of 'inprocess', 'spawn'"],
  ['log_level: loud', DAEMON, "log_level must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace'"],
  ['auth_allow_localhost: yes', ['tag'], "auth_allow_localhost must be one of 'owner', 'true', 'false'"],
  ['api_port: 70000', DAEMON.slice(0, 1), "api_port must be a port number (0 to 65535), not '70000'"],
  ['image_svc_port: 65536', ['tag'], "image_svc_port must be a port number (0 to 65535), not '65536'"],
  ['heap_growth_percent: 5', DAEMON, "heap_growth_percent must be 0 (V8's own sizing) or 10 to 300, not '5'"],
  [
    'heap_growth_percent: 301',
    ['tag'],
    "heap_growth_percent must be 0 (V8's own sizing) or 10 to 300, not '301'",
  ],
  ['api_prot: 8026', DAEMON, "unknown key 'api_prot' — did you mean 'api_port'? (line 1: api_prot: 8026)"],
];

describe('a bad config.yaml stops razor with a clear message and nothing written', () => {
  test.each(fileCases)('%s (razor %j)', async (text, args, message) => {
    const file = join(home.home, 'config.yaml');
    writeFileSync(file, `${text}\n`);
    const r = await razor(args);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(new RegExp(`^razor( daemon)?: ${escape(`${file}: ${message}`)}$`));
    expectNothingWritten();
  });

  test.each([
    ['api_port: [8026', 'is not valid YAML: '],
    ['a: b\n  c: d', 'is not valid YAML: '],
    ['- api_port\n- 8026', 'must be a YAML mapping of key: value'],
  ])('%j → %s', async (text, message) => {
    const file = join(home.home, 'config.yaml');
    writeFileSync(file, `${text}\n`);
    for (const args of [DAEMON, ['tag']]) {
      const r = await razor(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toContain(`${file} ${message}`);
      expect(r.err.trim().split('\n')[0]).toMatch(/^razor( daemon)?: /);
    }
    expectNothingWritten();
  });

  test('a config.yaml that cannot be read (a directory) is named with the reason', async () => {
    const file = join(home.home, 'config.yaml');
    mkdirSync(file);
    const r = await razor(DAEMON);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `razor daemon: cannot read ${file}: EISDIR: illegal operation on a directory, read`,
    );
    expectNothingWritten();
  });
});

describe('bad values from the environment and flags are refused the same way', () => {
  test.each([
    [
      { RAZOR_REQUEST_TIMEOUT_MS: 'ten' },
      DAEMON,
      "RAZOR_REQUEST_TIMEOUT_MS: request_timeout_ms must be a whole number, not 'ten'",
    ],
    [{ RAZOR_INVOKE: 'fork' }, ['tag'], "RAZOR_INVOKE: invoke must be one of 'inprocess', 'spawn'"],
    [
      { RAZOR_IMAGE_SVC_PORT: '65536' },
      DAEMON,
      "RAZOR_IMAGE_SVC_PORT: image_svc_port must be a port number (0 to 65535), not '65536'",
    ],
    [
      {},
      ['daemon', '--port', '99999'],
      "--api_port: api_port must be a port number (0 to 65535), not '99999'",
    ],
    [
      {},
      ['daemon', '--port', '0', '--image-port', '-1'],
      "--image_svc_port: image_svc_port must be a whole number, not '-1'",
    ],
    [
      {},
      ['daemon', '--port', '0', '--invoke', 'fork'],
      "--invoke: invoke must be one of 'inprocess', 'spawn'",
    ],
  ])('%j razor %j', async (env, args, message) => {
    const r = await razor(args, env);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(new RegExp(`^razor( daemon)?: ${escape(message)}$`));
    expectNothingWritten();
  });
});

/** The failed start left no store, no token and no socket behind. */
function expectNothingWritten() {
  for (const name of ['razor.json', 'admin.token', 'razor.sock'])
    expect({ name, exists: existsSync(join(home.home, name)) }).toEqual({ name, exists: false });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
