/**
 * Crash safety of the embedded store under the daemon: 100 times, start the daemon, drive a
 * write-heavy load, SIGKILL it at a random moment — the store always loads afterwards, every
 * write the daemon acknowledged (201) before the kill is in it, and every store generation beside
 * it is a complete store, no more of them than configured (ADR 0017). A kill landed mid-write
 * when it left the daemon's temp file behind (a snapshot being replaced), a torn journal line, or
 * a write on disk whose answer never came (killed between its fsync and its 201); some must have,
 * or the test proved little. The
 * moments are seeded (printed; `RAZOR_TEST_SEED` replays them).
 */
import { afterAll, expect, test } from '@jest/globals';
import http from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempHome } from '../helpers/fixture.js';
import { startDaemon } from '../helpers/daemon.js';
import { journalPath, openJsonStore } from '../../lib/store/json-store.js';
import { generationProblems } from '../helpers/generations.js';
import { seededRandom } from '../helpers/seeded.js';
import { tempPrefix } from '../../lib/store/atomic-file.js';

const ROUNDS = Number(process.env.RAZOR_CRASH_ROUNDS ?? 100);
const home = tempHome();
afterAll(() => home.cleanup());

function post(port: number, name: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ name, tag: 'crash' });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/razor/api/tag',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0)); // the daemon died mid-request: not acknowledged
    req.end(body);
  });
}

test(`${ROUNDS} SIGKILLs of a daemon under write load: the store always loads, acknowledged writes survive`, async () => {
  const random = seededRandom('daemon crash test');
  const acknowledged: string[] = [];
  const completeGenerations = new Set<string>();
  const file = join(home.home, 'razor.json');
  let killedMidWrite = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const d = await startDaemon(home.home);
    const pid = d.proc.pid;
    // Written by the first start (a fresh store has no tokens).
    const token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
    let stop = false;
    let n = 0;
    // Eight writers in parallel until the kill.
    const writers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const name = `r${round}-${n++}`;
        if ((await post(d.port, name, token)) === 201) acknowledged.push(name);
      }
    });
    await new Promise((r) => setTimeout(r, 30 + random.next() * 250));
    d.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await d.stop();
    // The killed daemon's temp file left behind: the kill landed between creating and renaming it.
    const tempLeft = readdirSync(home.home).some((f) => f.startsWith(`${tempPrefix(file)}${pid}-`));
    const journal = journalPath(file);
    const torn = existsSync(journal) && !readFileSync(journal).subarray(-1).equals(Buffer.from('\n'));
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    expect({ round, generations: generationProblems(file, 5, completeGenerations) }).toEqual({
      round,
      generations: [],
    });
    const store = await openJsonStore(file, { lockTimeoutMs: 5_000 });
    const names = new Set((await store.read((r) => r.all('tag'))).map((t) => t.name as string));
    await store.close();
    const lost = acknowledged.filter((a) => !names.has(a));
    expect({ round, lost }).toEqual({ round, lost: [] });
    const answered = new Set(acknowledged);
    const unanswered = [...names].some((t) => t.startsWith(`r${round}-`) && !answered.has(t));
    if (tempLeft || torn || unanswered) killedMidWrite++;
  }
  process.stdout.write(
    `daemon crash test (seed ${random.seed}): ${ROUNDS} kills, ${killedMidWrite} mid-write, ` +
      `${acknowledged.length} acknowledged writes, none lost\n`,
  );
  expect(acknowledged.length).toBeGreaterThan(ROUNDS);
  // The kills must really have hit writes in progress for the test to mean anything.
  expect(killedMidWrite).toBeGreaterThanOrEqual(Math.ceil(ROUNDS / 20));
}, 900_000);
