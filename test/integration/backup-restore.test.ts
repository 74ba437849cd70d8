/**
 * `razor backup` and `razor restore` through bin/razor: a backup taken while the daemon serves a
 * populated embedded store (nodes registered over REST landing in its journal) restores into a
 * fresh $RAZOR_HOME with every document identical; a restore under the running daemon, over a
 * non-empty store without --force, or from a corrupt backup changes nothing; --force keeps the old
 * store under the name it prints; an existing backup file (unless it holds exactly the store) or a
 * missing folder is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { runRazor, registerNode, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { until } from '../helpers/poll.js';
import { openJsonStore } from '../../lib/store/json-store.js';
import { readEverything } from '../../lib/store/copy.js';
import { COLLECTIONS } from '../../lib/store/store.js';

/** Every document of the embedded store of `home`, as JSON text per collection. */
async function documents(file: string): Promise<Record<string, string>> {
  const store = await openJsonStore(file);
  try {
    const all = await readEverything(store);
    return Object.fromEntries(COLLECTIONS.map((c) => [c, JSON.stringify(all.get(c))]));
  } finally {
    await store.close();
  }
}

const MACS = ['525400bb0001', '525400bb0002', '525400bb0003'];

describe('razor backup and razor restore', () => {
  const source = tempHome('razor-backup-');
  const work = mkdtempSync(join(tmpdir(), 'razor-backup-files-'));
  let daemon: DaemonProcess | undefined;
  // Writes go to the journal from the first byte: the backup must read them from there.
  const env = testEnv(source.home, { RAZOR_STORE_JOURNAL_FROM: '0' });
  const backup = join(work, 'razor-backup.json');
  let atBackup: Record<string, string>;

  beforeAll(async () => {
    await writeSeed(source.home, seedData());
    daemon = await startDaemon(source.home, [], { RAZOR_STORE_JOURNAL_FROM: '0' });
    for (const mac of MACS) expect(await registerNode(daemon, mac)).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await daemon?.stop();
    source.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('a backup taken while the daemon runs restores into a fresh RAZOR_HOME with every document identical', async () => {
    expect(existsSync(join(source.home, 'razor.journal'))).toBe(true);
    const made = await runRazor(['backup', backup], env);
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toMatch(
      /^backed up \d+ documents from \S+razor\.json to \S+razor-backup\.json \(\d+ bytes\): node 5,/,
    );
    atBackup = await documents(join(source.home, 'razor.json'));
    expect(JSON.parse(atBackup.node as string)).toHaveLength(2 + MACS.length);
    expect(readdirSync(work)).toEqual(['razor-backup.json']); // no temp file left

    // The daemon holds the embedded store: restoring under it is refused.
    const under = await runRazor(['restore', backup, '--force'], env);
    expect(under.code).not.toBe(0);
    expect(under.stderr).toMatch(
      /a razor daemon \(pid \d+\) is serving the store .*stop it first \(systemctl stop razor, or kill \d+\).*nothing was changed/,
    );

    const fresh = tempHome('razor-restored-');
    try {
      const restored = await runRazor(['restore', backup], testEnv(fresh.home));
      expect(restored.code).toBe(0);
      expect(restored.stdout).toMatch(
        /^restored \d+ documents from \S+razor-backup\.json into \S+razor\.json: node 5,/,
      );
      expect(await documents(join(fresh.home, 'razor.json'))).toEqual(atBackup);
      for (const c of ['node', 'tag', 'policy', 'model', 'active_model', 'broker', 'image', 'token', 'meta'])
        expect(JSON.parse(atBackup[c] as string).length).toBeGreaterThan(0);
    } finally {
      fresh.cleanup();
    }
  }, 120_000);

  test('over a non-empty store: refused without --force, nothing changed; with --force the old store is kept', async () => {
    const target = tempHome('razor-restore-over-');
    try {
      const data = seedData();
      delete data.collections.bmc;
      await writeSeed(target.home, data);
      const file = join(target.home, 'razor.json');
      const bytes = readFileSync(file, 'utf8');
      const before = await documents(file);
      const tenv = testEnv(target.home);
      const refused = await runRazor(['-w', 'restore', JSON.stringify({ file: backup })], tenv);
      expect(JSON.parse(refused.stdout)).toMatchObject({ std_err_code: 170, http_err_code: 400 });
      expect(JSON.parse(refused.stdout).result).toMatch(/holds .*nothing was changed\. Confirm with --force/);
      expect(readFileSync(file, 'utf8')).toBe(bytes);
      expect(readdirSync(target.home).filter((n) => n.includes('before-restore'))).toEqual([]);

      const forced = await runRazor(['restore', backup, '-f'], tenv);
      expect(forced.code).toBe(0);
      const kept = /is kept in (\S+razor\.json\.before-restore-\d{8}T\d{6}Z) /.exec(forced.stdout)?.[1];
      expect(kept).toBeDefined();
      expect(await documents(file)).toEqual(atBackup);
      expect(await documents(kept as string)).toEqual(before);
      // The kept store goes back with razor restore.
      const back = await runRazor(['restore', kept as string, '--force'], tenv);
      expect(back.code).toBe(0);
      expect(await documents(file)).toEqual(before);
    } finally {
      target.cleanup();
    }
  }, 120_000);

  test('a corrupt or truncated backup is refused before anything is touched', async () => {
    const target = tempHome('razor-restore-bad-');
    try {
      await writeSeed(target.home);
      const file = join(target.home, 'razor.json');
      const bytes = readFileSync(file, 'utf8');
      const names = readdirSync(target.home).sort();
      const text = readFileSync(backup, 'utf8');
      const broken = JSON.parse(text);
      delete broken.collections.node[Object.keys(broken.collections.node)[0] as string].hw_id;
      const cases: [string, string, RegExp][] = [
        [
          'truncated.json',
          text.slice(0, Math.floor(text.length / 2)),
          /is not a razor backup: it is not JSON/,
        ],
        ['missing-field.json', JSON.stringify(broken), /is not a razor backup: .*has "hw_id" missing/],
        ['not-razor.json', '{"hello":"world"}', /is not a razor backup: it has no "format"/],
      ];
      for (const [name, content, why] of cases) {
        writeFileSync(join(work, name), content);
        const r = await runRazor(['restore', join(work, name), '--force'], testEnv(target.home));
        expect({ name, code: r.code }).toEqual({ name, code: 2 });
        expect(r.stderr).toMatch(why);
        expect(readFileSync(file, 'utf8')).toBe(bytes);
        expect(readdirSync(target.home).sort()).toEqual(names);
      }
    } finally {
      target.cleanup();
    }
  }, 120_000);

  test('an existing backup file needs --force; a missing folder or a directory is an InputError; nothing is written', async () => {
    // Nothing changed since: the backup is done already. The daemon writes nodes' last-seen times
    // every few seconds (later on a loaded machine), so a fresh backup is taken until none lands
    // between it and the check.
    const done = /razor-backup\.json already holds exactly the \d+ documents of \S+; nothing was written/;
    await until('a backup with nothing changed since', async () => {
      expect((await runRazor(['backup', backup, '--force'], env)).code).toBe(0);
      const same = await runRazor(['backup', backup], env);
      return done.test(same.stdout) ? true : undefined;
    });
    const bytes = readFileSync(backup, 'utf8');
    expect(await registerNode(daemon as DaemonProcess, '525400bb0009')).toBe(200);
    const again = await runRazor(['backup', backup], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/razor-backup\.json already exists; nothing was written — use --force/);
    expect(readFileSync(backup, 'utf8')).toBe(bytes);
    for (const [file, why] of [
      [join(work, 'no-such-dir', 'x.json'), /the folder \S*no-such-dir does not exist; create it first/],
      [work, /is a directory: give the name of the backup file/],
      [join(source.home, 'razor.json'), /razor\.json is the store itself: write the backup elsewhere/],
    ] as const) {
      const r = await runRazor(['-w', 'backup', JSON.stringify({ file, force: true })], env);
      const envelope = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(envelope).toMatchObject({ std_err_code: 111, http_err_code: 400 });
      expect(String(envelope.result)).toMatch(why);
    }
    expect(readdirSync(work).filter((n) => !n.endsWith('.json'))).toEqual([]);
    const forced = await runRazor(['backup', backup, '--force'], env);
    expect(forced.code).toBe(0);
  }, 120_000);
});
