/**
 * The package installs and runs (issue 15, item 11): `npm pack` → `npm i -g ./razor-*.tgz` into a
 * clean prefix → the installed `razor help` and `razor daemon` (start, banner, /healthz, stop)
 * work. Slow: it builds, packs, and installs the dependencies (from the npm cache when it can).
 */
import { afterAll, expect, test } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/deps.js';
import { until } from '../helpers/poll.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'razor-pack-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** npm's environment: native modules built against this Node's headers when they are installed. */
const npmEnv = {
  ...process.env,
  ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {}),
};

test('npm pack, npm i -g of the tarball in a clean prefix: razor help and razor daemon work', async () => {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    env: npmEnv,
    maxBuffer: 1 << 26,
  });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining(['bin/razor', 'dist/bin/main.js', 'dist/bin/daemon.js', 'package.json']),
  );
  expect(files.some((f) => f.startsWith('templates/'))).toBe(true);
  expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.ts'))).toEqual([]);

  const prefix = join(dir, 'prefix');
  const tarball = join(dir, info!.filename);
  const args = ['i', '-g', tarball, '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'];
  await run('npm', args, { cwd: dir, env: npmEnv, maxBuffer: 1 << 26 });
  const razor = join(prefix, 'bin', 'razor');
  const home = mkdtempSync(join(dir, 'home-'));
  const env = { ...process.env, RAZOR_HOME: home, NO_COLOR: '1' };

  const help = await run(razor, ['help'], { cwd: dir, env });
  expect(help.stdout).toMatch(/^Usage: razor /);

  const daemon = spawn(razor, ['daemon', '--port', '0', '--image-port', '0', '--listen', '127.0.0.1'], {
    cwd: dir,
    env,
  });
  let out = '';
  daemon.stdout.on('data', (d) => (out += d));
  daemon.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
  try {
    const url = await until('the banner', () => /API\s+(http:\/\/[^/\s]+)\//.exec(out)?.[1], 120_000);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ version: expect.any(String) });
    const status = await run(razor, ['daemon', 'status'], { cwd: dir, env });
    expect(status.stdout).toContain(`API      ${url}/razor/api`);
  } finally {
    daemon.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(out).toContain('razor daemon: stopped');
}, 900_000);
