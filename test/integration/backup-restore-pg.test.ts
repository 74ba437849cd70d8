/**
 * `razor backup` and `razor restore` on PostgreSQL: a backup of a populated database taken while
 * its daemon runs restores into another database with every document identical; a restore over a
 * database that holds data needs --force, keeps the old contents as a backup file in $RAZOR_HOME,
 * and runs while the daemon serves that database (one transaction).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedData, tempHome, writeSeed, ADMIN } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { runRazor, registerNode, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { openStoreAt } from '../../lib/store/open.js';
import { readEverything } from '../../lib/store/copy.js';
import { COLLECTIONS } from '../../lib/store/store.js';

const suite = postgresAvailable() ? describe : describe.skip;

/** Every document of the store at `where` (a postgres:// URL or a file), as JSON text per collection. */
async function documents(where: string): Promise<Record<string, string>> {
  const store = await openStoreAt(where);
  try {
    const all = await readEverything(store);
    return Object.fromEntries(COLLECTIONS.map((c) => [c, JSON.stringify(all.get(c))]));
  } finally {
    await store.close();
  }
}

suite('razor backup and restore on PostgreSQL', () => {
  let server: PostgresServer;
  let daemon: DaemonProcess | undefined;
  const a = tempHome('razor-pg-backup-a-');
  const b = tempHome('razor-pg-backup-b-');
  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    await daemon?.stop();
    await server?.stop();
    a.cleanup();
    b.cleanup();
  });

  test('backup while the daemon runs → restore into another database round-trips; --force keeps the old contents', async () => {
    const urlA = await server.createDatabase('backup_a');
    const urlB = await server.createDatabase('backup_b');
    await writeSeed(b.home, seedData());
    const seeded = await runRazor(
      ['store', 'copy', '--from', join(b.home, 'razor.json'), '--to', urlA],
      testEnv(a.home),
    );
    expect(seeded.code).toBe(0);
    writeFileSync(join(a.home, 'config.yaml'), `store: ${urlA}\n`);
    writeFileSync(join(b.home, 'config.yaml'), `store: ${urlB}\n`);
    daemon = await startDaemon(a.home);
    for (const mac of ['525400cc0001', '525400cc0002']) expect(await registerNode(daemon, mac)).toBe(200);

    const file = join(b.home, 'backup.json');
    const made = await runRazor(['backup', file], testEnv(a.home));
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toMatch(
      /^backed up \d+ documents from postgres:\/\/razor:\*\*\*@\S+ to \S+backup\.json \(\d+ bytes\): node 4,/,
    );
    const atBackup = await documents(urlA);
    expect(await documents(file)).toEqual(atBackup);

    const restored = await runRazor(['restore', file], testEnv(b.home));
    expect(restored.code).toBe(0);
    expect(await documents(urlB)).toEqual(atBackup);

    // Database A moves on; restoring the backup over it, while its daemon runs, needs --force.
    expect(await registerNode(daemon, '525400cc0003')).toBe(200);
    const moved = await documents(urlA);
    const refused = await runRazor(['restore', file], testEnv(a.home));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/holds .*node.*nothing was changed\. Confirm with --force/);
    expect(await documents(urlA)).toEqual(moved);

    const forced = await runRazor(['restore', file, '--force'], testEnv(a.home));
    expect(forced.code).toBe(0);
    const kept = /is kept in (\S+\/razor-database\.before-restore-\d{8}T\d{6}Z) /.exec(forced.stdout)?.[1];
    expect(kept?.startsWith(a.home)).toBe(true);
    expect(await documents(urlA)).toEqual(atBackup);
    expect(await documents(kept as string)).toEqual(moved);
    // The daemon serves the restored contents at once.
    const nodes = await fetch(`${daemon.url}/razor/api/node`, { headers: ADMIN });
    expect(((await nodes.json()) as { response: unknown[] }).response).toHaveLength(4);
  }, 240_000);
});
