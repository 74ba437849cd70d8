/**
 * The fuzzer's store: a RAZOR_HOME (on tmpfs when there is one — the store's fsyncs cost nothing
 * there, and durability is what test/integration/daemon-crash.test.ts tests, not this), seeded
 * with one object of each kind and the fuzzer's admin token, and put back to the seed after a
 * removal succeeds (so seeded UUIDs keep naming objects) and at least every RESEED_EVERY requests
 * (so it stays small).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenDigest } from '../../lib/domain/tokens.js';
import { seedData, writeSeed } from '../helpers/fixture.js';

const RESEED_EVERY = 200;
/**
 * Every fourth reseed leaves out policies, active models and models, for a few requests: nothing
 * then holds on to nodes, brokers and images, so their `remove all` can succeed too.
 */
const LEAF_EVERY = 4;
const LEAF_REQUESTS = 20;

/** A seeded home; `after` is told what each request did and reseeds when it is time. */
export interface FuzzStore {
  readonly home: string;
  /** The store file's bytes now. */
  bytes(): Buffer;
  /** Puts the seed back (the first shape is always the whole seed); resolves with its bytes. */
  reseed(): Promise<Buffer>;
  /** After a request: reseeds when a removal succeeded or the shape's time is up; the bytes to compare next. */
  after(removed: boolean, now: Buffer): Promise<Buffer>;
  cleanup(): void;
}

/** A fresh seeded home whose store accepts `token` as an admin token. */
export async function fuzzStore(token: string): Promise<FuzzStore> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'razor-fuzz-'));
  mkdirSync(join(dir, 'log'));
  const file = join(dir, 'razor.json');
  let reseeds = 0;
  let keep = 0;
  const reseed = async () => {
    const data = seedData();
    const leaf = ++reseeds % LEAF_EVERY === 0;
    if (leaf) for (const c of ['policy', 'active_model', 'model'] as const) data.collections[c] = {};
    const uuid = 'TokenFuzz0000000000001';
    const doc = { uuid, name: 'fuzz', sha256: tokenDigest(token), created_at: '2026-01-01T00:00:00.000Z' };
    data.collections.token = { ...data.collections.token, [uuid]: doc };
    await writeSeed(dir, data);
    keep = leaf ? LEAF_REQUESTS : RESEED_EVERY;
    return readFileSync(file);
  };
  await reseed();
  reseeds = 0;
  return {
    home: dir,
    bytes: () => readFileSync(file),
    reseed,
    after: async (removed, now) => (--keep <= 0 || removed ? reseed() : now),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
