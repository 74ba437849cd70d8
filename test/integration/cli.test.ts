/**
 * End-to-end tests of the razor command: the real ./bin/razor (the built dist/) as a child process
 * over a temporary RAZOR_HOME, in `-w` JSON mode and human mode — envelopes, output shapes, the
 * original word orders, UUID fragments, exit statuses, help, colour (plain pipes and a
 * pseudo-terminal), configuration sources and the iPXE chain script. The same suite runs against a
 * daemon over TLS with a token (cli-remote.test.ts, test/helpers/cli-mode.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DEFAULTS } from '../../lib/config.js';
import { ROOT, testEnv } from '../helpers/deps.js';
import { runRazor, type RazorRun } from '../helpers/daemon.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { cliMode } from '../helpers/cli-mode.js';
import { openTerminal } from '../helpers/terminal.js';

const BIN = join(ROOT, 'bin', 'razor');
const ESC = '\u001b[';
const UNKNOWN = 'Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z';
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

type Run = RazorRun;

/** Runs razor in this file's mode: on the home's store, or through its daemon (cli-mode.ts). */
const razor = async (args: string[], env: NodeJS.ProcessEnv) => runRazor(args, await cliMode().env(env));

/** testEnv without NO_COLOR or FORCE_COLOR: colour is up to razor. */
function colorEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.entries(testEnv(home, extra)).filter(
    (e): e is [string, string] => e[1] !== undefined && e[0] !== 'NO_COLOR' && e[0] !== 'FORCE_COLOR',
  );
  return Object.fromEntries(env);
}

/** Runs `razor …args` in a pseudo-terminal; stdout and stderr arrive together. */
async function inPty(args: string[], local: Record<string, string>): Promise<{ code: number; out: string }> {
  const env = (await cliMode().env(local)) as Record<string, string>;
  return openTerminal(BIN, args, { cwd: ROOT, env, cols: 160, rows: 40 }).exited;
}

/** Parses the one line of a `-w` answer, checking there is exactly one. */
function oneEnvelope(r: Run): Record<string, unknown> {
  expect(r.stdout.endsWith('\n')).toBe(true);
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The rows of `razor config`'s table: key → value and source. */
function configRows(stdout: string): Map<string, { value: string; source: string }> {
  const cells = stdout.split('\n').filter((l) => l.startsWith('│ ') && !l.startsWith('│ Key '));
  return new Map(
    cells.map((l) => l.split('│').map((c) => c.trim())).map(([, k, value, source]) => [k, { value, source }]),
  ) as Map<string, { value: string; source: string }>;
}

const homes: (() => void)[] = [];
/** A fresh home (removed after all tests), seeded when asked. */
async function home(seeded = false): Promise<string> {
  const h = tempHome('razor-cli-test-');
  homes.push(h.cleanup);
  if (seeded) await writeSeed(h.home);
  return h.home;
}
afterAll(() => homes.forEach((cleanup) => cleanup()));

let empty: string;
let seeded: string;
beforeAll(async () => {
  empty = await home();
  seeded = await home(true);
});

describe('-w mode', () => {
  test('an empty policy list is one success envelope with response []', async () => {
    const r = await razor(['-w', 'policy'], testEnv(empty));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(oneEnvelope(r)).toEqual({
      resource: 'ProjectRazor::Slice::Policy',
      command: 'policies_query_all',
      result: 'Ok',
      http_err_code: 200,
      errcode: 0,
      response: [],
    });
  });

  test.each([
    ['policy add {"template":"linux_deploy"}', 2, 114, 'MissingArgument', 400, 'add_policy', 'label'],
    ['policy get bad*uuid', 2, 116, 'InvalidUUID', 400, 'get_policy_by_uuid', 'bad*uuid'],
    [`policy get ${UNKNOWN}`, 3, 123, 'NotFound', 404, 'get_policy_by_uuid', UNKNOWN],
    ['nope', 3, 164, 'InvalidSlice', 404, 'null', "no slice named 'nope'"],
  ])('razor -w %s: exit %d, std_err_code %d', async (words, exit, code, kind, http, command, mentions) => {
    const r = await razor(['-w', ...words.split(' ')], testEnv(empty));
    expect(r.code).toBe(exit);
    expect(r.stderr).toBe('');
    const env = oneEnvelope(r);
    expect(Object.keys(env).sort()).toEqual(
      ['command', 'err_class', 'http_err_code', 'result', 'slice', 'std_err_code'].sort(),
    );
    expect(env).toMatchObject({
      std_err_code: code,
      err_class: `ProjectRazor::Error::Slice::${kind}`,
      http_err_code: http,
      slice: command === 'null' ? 'ProjectRazor::Slice' : 'ProjectRazor::Slice::Policy',
      command,
    });
    expect(env.result).toContain(mentions);
  });
});

describe('human mode', () => {
  test('an empty list prints < none >', async () => {
    expect(await razor(['policy'], testEnv(empty))).toEqual({ code: 0, stdout: '< none >\n', stderr: '' });
  });

  test('tag add, the tag table, and matcher add in both word orders', async () => {
    const env = testEnv(await home());
    const added = await razor(['tag', 'add', '-n', 'big', '-t', 'big_mem'], env);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^ {2}Name +=> {2}big$/m);
    expect(added.stdout).toMatch(/^ {2}Tags +=> {2}big_mem$/m);
    const uuid = /UUID +=> {2}(\w{22})$/m.exec(added.stdout)?.[1] as string;
    expect(uuid).toHaveLength(22);

    const list = await razor(['tag'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/│ Name +│ Tags +│ UUID +│ Matchers │/);
    expect(list.stdout).toContain(`│ big  │ big_mem │ ${uuid} │ [0]      │`);

    const mk = ['-k', 'mk_hw_mem_size', '-c', 'like', '-v', 'GiB'];
    const original = await razor(['tag', uuid, 'matcher', 'add', ...mk], env);
    expect(original.code).toBe(0);
    expect(original.stdout).toMatch(/^ {2}Key +=> {2}mk_hw_mem_size\n {2}Compare +=> {2}like\n/m);
    const mem = ['-k', 'memorysize', '-c', 'equal', '-v', '16 GB'];
    const canonical = await razor(['tag', 'matcher', 'add', uuid, ...mem], env);
    expect(canonical.code).toBe(0);
    expect(canonical.stdout).toMatch(/^ {2}Value +=> {2}16 GB$/m);
    const stored = oneEnvelope(await razor(['-w', 'tag', 'get', uuid], env));
    const [rule] = stored.response as { matchers: Record<string, unknown>[] }[];
    expect(rule?.matchers.map(({ key, compare, value }) => [key, compare, value])).toEqual([
      ['mk_hw_mem_size', 'like', 'GiB'],
      ['memorysize', 'equal', '16 GB'],
    ]);
  });

  test('razor policy <fragment> is razor policy get <uuid>', async () => {
    const env = testEnv(seeded);
    const [short, full] = await Promise.all([
      razor(['policy', 'Seed000000000002'], env),
      razor(['policy', 'get', SEED.policy2], env),
    ]);
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/^ {2}UUID +=> {2}PolicySeed000000000002$/m);
    expect(full.stdout).toMatch(/^ {2}Label +=> {2}second$/m);
    expect(short).toEqual(full);
  });

  // The seed's two policies (PolicySeed…1, …2) and two models (ModelSeed…, ModelSeedUsed…) share a prefix.
  test.each([
    [['policy', 'PolicySeed'], 'policy get', [SEED.policy, SEED.policy2]],
    [['policy', 'update', SEED.policy, '-m', 'ModelSeed'], 'policy update', [SEED.model, SEED.model_in_use]],
  ])('an ambiguous fragment lists its candidates: razor %j', async (args, verb, candidates) => {
    const r = await razor(args, testEnv(seeded));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const c of candidates) expect(r.stderr).toContain(c);
    expect(r.stderr).toContain('give more of the UUID');
    expect(r.stderr).toContain(`razor ${verb} --help`);
  });
});

describe('exit statuses', () => {
  test.each([
    [['policy', 'add', '-p', 'linux_deploy'], 2, "missing required argument 'label'"],
    [['policy', 'get', 'bad*uuid'], 2, "'bad*uuid' is not a UUID"],
    [['policy', 'get', UNKNOWN], 3, `no policy matches '${UNKNOWN}'`],
  ])('razor %j exits %d with the error and a --help pointer on stderr', async (args, exit, message) => {
    const r = await razor(args, testEnv(seeded));
    expect(r).toEqual({ code: exit, stdout: '', stderr: expect.stringContaining(message) });
    expect(r.stderr).toContain(`(see 'razor ${args[0]} ${args[1]} --help')`);
  });

  test('an unknown option or switch is a usage error (2) on stderr; success is 0', async () => {
    const [option, flag, ok] = await Promise.all([
      razor(['policy', 'add', '--bogus'], testEnv(seeded)),
      razor(['-q', 'policy'], testEnv(seeded)),
      razor(['policy', 'get', SEED.policy], testEnv(seeded)),
    ]);
    expect(option).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining("option '--bogus'") });
    expect(option.stderr).toContain("(see 'razor policy add --help')");
    expect(flag).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining("unknown switch '-q'") });
    expect(ok).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('help and version', () => {
  test('razor --help, razor help, razor policy --help and razor policy add --help', async () => {
    const env = testEnv(empty);
    const [top, help, slice, verb] = await Promise.all([
      razor(['--help'], env),
      razor(['help'], env),
      razor(['policy', '--help'], env),
      razor(['policy', 'add', '--help'], env),
    ]);
    for (const r of [top, help, slice, verb]) expect(r.code).toBe(0);
    for (const r of [top, help]) expect(r.stdout).toMatch(/^Usage: razor (.*\n)+ {2}-w, --webcommand /);
    for (const r of [top, help]) {
      expect(r.stdout).toMatch(
        /^Examples:\n(.*\n)* {2}razor policy add -p linux_deploy -l web -m <model-uuid> /m,
      );
    }
    expect(slice.stdout).toMatch(/^Usage: razor policy /);
    for (const v of ['list', 'get <uuid>', 'add [options]', 'update [options] <uuid>'])
      expect(slice.stdout).toContain(v);
    expect(verb.stdout).toMatch(/^Usage: razor policy add /);
    const example = /^Example:\n {2}(razor policy add .*)$/m.exec(verb.stdout)?.[1] ?? '';
    for (const f of ['p', 'l', 'm', 't', 'b', 'e', 'x']) {
      expect(verb.stdout).toMatch(new RegExp(`^ +-${f}, --[a-z-]+ <`, 'm'));
      expect(example).toContain(` -${f} `);
    }
  });

  test('razor -V prints the version from package.json', async () => {
    const want = { code: 0, stdout: `razor ${VERSION}\n`, stderr: '' };
    expect(await razor(['-V'], testEnv(empty))).toEqual(want);
  });
});

describe('colour', () => {
  const commands = [['tag'], ['tag', 'get', 'x*'], ['--help']];

  test.each([
    ['stdout not a terminal', (h: string) => colorEnv(h), []],
    ['NO_COLOR', (h: string) => testEnv(h), []],
    ['-n', (h: string) => colorEnv(h), ['-n']],
  ])('no escape codes with %s', async (_why, envFor, pre) => {
    const runs = await Promise.all(commands.map((c) => razor([...pre, ...c], envFor(seeded))));
    expect(runs.map((r) => r.code)).toEqual([0, 2, 0]);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(runs[0]?.stdout).toContain('TagSeed000000000000001');
  });

  test('a terminal gets colour unless -n or NO_COLOR', async () => {
    const plain = colorEnv(seeded);
    const coloured = await inPty(['tag'], plain);
    expect(coloured.code).toBe(0);
    expect(coloured.out).toContain(`${ESC}1m${ESC}36mName`);
    expect(coloured.out).toContain('TagSeed000000000000001');
    const error = await inPty(['tag', 'get', 'x*'], plain);
    expect(error.code).toBe(2);
    expect(error.out).toContain(`${ESC}31mrazor tag get: 'x*' is not a UUID`);
    for (const r of [await inPty(['-n', 'tag'], plain), await inPty(['tag'], { ...plain, NO_COLOR: '1' })]) {
      expect(r.code).toBe(0);
      expect(r.out).toContain('TagSeed000000000000001');
      expect(r.out).not.toContain(ESC);
    }
  });
});

// `razor config` shows this host's configuration and is not served over REST: local runs only
// (declared only there, so the remote run reports no skipped tests).
const localOnly = (name: string, fn: () => void) =>
  cliMode().name === 'local' ? describe(name, fn) : undefined;
localOnly('razor config', () => {
  test('every key with its value and source', async () => {
    const h = await home();
    const r = await razor(['config'], testEnv(h));
    expect(r.code).toBe(0);
    const rows = configRows(r.stdout);
    expect([...rows.keys()].sort()).toEqual(Object.keys(CONFIG_DEFAULTS).sort());
    expect(rows.get('api_port')).toEqual({ value: '8026', source: 'default' });
    expect(rows.get('image_svc_host')).toEqual({ value: '10.0.2.2', source: 'env' });
    expect(rows.get('persist_path')).toEqual({ value: join(h, 'razor.json'), source: 'derived' });
    expect(rows.get('default_ipmi_password')?.value).not.toBe(CONFIG_DEFAULTS.default_ipmi_password);
  });

  test('RAZOR_API_PORT is source env; config.yaml is source file; env beats file', async () => {
    const h = await home();
    const fromEnv = configRows((await razor(['config'], testEnv(h, { RAZOR_API_PORT: '9999' }))).stdout);
    expect(fromEnv.get('api_port')).toEqual({ value: '9999', source: 'env' });
    expect(fromEnv.get('mk_uri')).toEqual({ value: 'http://10.0.2.2:9999', source: 'derived' });
    writeFileSync(join(h, 'config.yaml'), 'api_port: 7777\n');
    const fromFile = configRows((await razor(['config'], testEnv(h))).stdout);
    expect(fromFile.get('api_port')).toEqual({ value: '7777', source: 'file' });
    const both = configRows((await razor(['config'], testEnv(h, { RAZOR_API_PORT: '9999' }))).stdout);
    expect(both.get('api_port')).toEqual({ value: '9999', source: 'env' });
  });

  test('an unknown key in config.yaml is a clear error', async () => {
    const h = await home();
    writeFileSync(join(h, 'config.yaml'), 'api_port: 7777\nbogus_key: 1\n');
    const r = await razor(['config'], testEnv(h));
    expect(r.code).toBe(2);
    // razor config still lists the known keys (issue 15); other commands print nothing on stdout.
    expect(r.stdout).toMatch(/^The configuration file above is bad; these are the keys it may set/);
    expect(r.stderr).toContain(`${join(h, 'config.yaml')}: unknown key 'bogus_key'`);
    expect((await razor(['policy'], testEnv(h))).stdout).toBe('');
    // In -w mode the same error is one JSON envelope on stdout.
    const web = await razor(['-w', 'policy'], testEnv(h));
    expect(web.code).toBe(2);
    expect(oneEnvelope(web)).toMatchObject({ std_err_code: 111, http_err_code: 400 });
  });

  test('razor config ipxe prints the chain script', async () => {
    const r = await razor(['config', 'ipxe'], testEnv(empty));
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#!ipxe\n')).toBe(true);
    // DHCP on every NIC net0..net7 that has no address yet (a loop over i), then the chain.
    expect(r.stdout).toContain('isset ${net${i}/ip} || dhcp net${i} || goto next');
    expect(r.stdout).toContain('iseq ${i} 8 || goto nic');
    expect(r.stdout).toContain('chain http://10.0.2.2:8026/razor/api/boot?hw_id=${net0/mac}_${net1/mac}_');
    expect(r.stdout).toContain('&dhcp_mac=${dhcp_mac}');
    const moved = await razor(['config', 'ipxe'], testEnv(empty, { RAZOR_API_PORT: '9999' }));
    expect(moved.stdout).toContain('chain http://10.0.2.2:9999/razor/api/boot?hw_id=${net0/mac}_');
  });
});
