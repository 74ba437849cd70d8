/**
 * `store: postgres://…` through bin/razor: the CLI and the daemon use the database (no store file
 * appears), and every way of getting the setting or the server wrong — a URL that is not one, an
 * unreachable server, bad credentials, a failed migration — is one clear message naming what to
 * fix, with the password never shown and never a stack trace.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { tempHome } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { runRazor, startDaemon } from '../helpers/daemon.js';
import { postgresAvailable, type PostgresServer } from '../helpers/postgres.js';
import { postgresSuite } from '../helpers/postgres-suite.js';

const suite = postgresAvailable() ? describe : describe.skip;

suite('razor with store: postgres://', () => {
  const db = postgresSuite();

  test('CLI and daemon read and write the database; no store file is made', async () => {
    const url = await db.server.createDatabase('cli_works');
    writeFileSync(join(db.home.home, 'config.yaml'), `store: ${url}\n`);
    const env = testEnv(db.home.home);
    const added = await runRazor(['-w', 'tag', 'add', JSON.stringify({ name: 'pg', tag: 'in_pg' })], env);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const shown = await runRazor(['-w', 'config'], env);
    expect(shown.stdout).toContain(url.replace(/:[0-9a-f]+@/, ':***@'));
    expect(shown.stdout).not.toContain(new URL(url).password);
    const daemon = await startDaemon(db.home.home);
    try {
      const secret = readFileSync(join(db.home.home, 'admin.token'), 'utf8').trim();
      const res = await fetch(`${daemon.url}/razor/api/tag`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(((await res.json()) as { response: { name: string }[] }).response.map((t) => t.name)).toEqual([
        'pg',
      ]);
    } finally {
      await daemon.stop();
    }
    expect(existsSync(join(db.home.home, 'razor.json'))).toBe(false);
  }, 120_000);

  const failures: Array<[string, (s: PostgresServer) => Promise<{ env?: string; file?: string }>, RegExp]> = [
    [
      'a URL that is not one',
      async () => ({ file: 'mysql://razor@db/razor' }),
      /config\.yaml: store must be empty .* or postgres:\/\/user:password@host:port\/database; 'mysql:\/\/razor@db\/razor': it is not a postgres:\/\/ URL/,
    ],
    [
      'an unreachable server',
      async (s) => ({ env: s.url('x').replace(/:\d+\//, ':1/') }),
      /nothing answers at postgres:\/\/razor:\*\*\*@127\.0\.0\.1:1\/x: start PostgreSQL there or fix host and port in 'store'/,
    ],
    [
      'bad credentials',
      async (s) => ({ env: s.url().replace(/:[0-9a-f]+@/, ':wrong@') }),
      /refused the user name or password: fix them in 'store'/,
    ],
    [
      'a failed migration',
      async (s) => {
        const url = await s.createDatabase('cli_bad_migration');
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query('CREATE TABLE razor_documents (x int)');
        await c.end();
        return { env: url };
      },
      /migration 1 \(documents\) of the store .* failed: relation \\?"razor_documents\\?" already exists/,
    ],
  ];

  test.each(failures)(
    '%s: one clear message, exit 1, no stack trace, no password',
    async (_what, setup, message) => {
      const { env: store, file } = await setup(db.server);
      const h = tempHome();
      try {
        if (file) writeFileSync(join(h.home, 'config.yaml'), `store: ${file}\n`);
        const env = testEnv(h.home, store ? { RAZOR_STORE: store } : {});
        for (const args of [['node'], ['-w', 'node'], ['daemon', '--port', '0']]) {
          const r = await runRazor(args, env);
          const out = r.stdout + r.stderr;
          expect(r.code).not.toBe(0);
          expect(out).toMatch(message);
          expect(out).not.toMatch(/\n\s+at /);
          if (store) expect(out).not.toContain(new URL(store).password || '\u0000');
        }
      } finally {
        h.cleanup();
      }
    },
    120_000,
  );
});
