/**
 * The Puppet hand-off path on the host (ADR 0029): a private puppetserver (test/helpers/puppetserver.ts)
 * starts as a non-root user on 127.0.0.1, and the host's own `puppet agent --test`, with a test
 * certname and a private confdir, gets its certificate autosigned and applies the catalogue —
 * the file it writes holds the certname and the host's hostname. Needs the Debian packages
 * puppetserver and puppet-agent (skipped loudly without them; a failure under RAZOR_TEST_REQUIRE_ALL=1).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemAvailable } from '../helpers/system.js';
import { puppetServerProbe, startPuppetServer, type PuppetServer } from '../helpers/puppetserver.js';

const available = systemAvailable('private puppetserver', puppetServerProbe);
const CERTNAME = 'node1.razor.test';

let server: PuppetServer | undefined;
let work: string;

beforeAll(async () => {
  if (!available) return;
  work = mkdtempSync(join(tmpdir(), 'razor-puppet-agent-'));
  server = await startPuppetServer({ autosign: ['*.razor.test'], file: join(work, 'applied') });
  process.stderr.write(
    `puppetserver ready in ${(server.startMs / 1000).toFixed(1)} s, RSS ${server.rssMiB()} MiB\n`,
  );
}, 1_200_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

(available ? describe : describe.skip)('a private puppetserver', () => {
  test("the host's puppet agent gets its certificate signed and applies the catalogue", () => {
    const a = join(work, 'agent');
    mkdirSync(join(a, 'etc'), { recursive: true });
    writeFileSync(join(a, 'etc', 'puppet.conf'), server!.agentConf());
    const started = Date.now();
    const run = spawnSync(
      'puppet',
      ['agent', '--test', '--certname', CERTNAME, '--color=false', '--confdir', `${a}/etc`]
        .concat(['--vardir', `${a}/var`, '--ssldir', `${a}/ssl`, '--rundir', `${a}/run`])
        .concat(['--logdir', `${a}/log`, '--publicdir', `${a}/public`]),
      { encoding: 'utf8', timeout: 240_000 },
    );
    process.stderr.write(
      `puppet agent: exit ${run.status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // --test implies --detailed-exitcodes: 2 = changes applied.
    expect({ status: run.status, output: run.status === 2 ? '' : `${run.stdout}${run.stderr}` }).toEqual({
      status: 2,
      output: '',
    });
    expect(readFileSync(join(work, 'applied'), 'utf8')).toBe(`${CERTNAME} ${hostname().split('.')[0]}\n`);
    expect(server!.rssMiB()).toBeGreaterThan(0);
  }, 1_200_000);
});
