/**
 * Downloads share a bounded set of buffers (daemon/images/image-stream.ts): lent first come first served,
 * never more than the maximum, none lost when clients go away, and every byte right.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferPool, sendFileRange } from '../../daemon/images/image-stream.js';
import { HeapGrowth, MIN_HEADROOM_BYTES } from '../../daemon/limits/heap.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { until } from '../helpers/poll.js';

test('the pool lends at most max buffers; the longest waiting borrower gets the next one back', () => {
  const pool = new BufferPool(16, 2);
  const got: string[] = [];
  let first: Buffer | undefined;
  pool.borrow((b) => ((first = b), got.push('a')));
  pool.borrow(() => got.push('b'));
  const c = (b: Buffer) => got.push(b === first ? 'c: a’s buffer' : 'c: another');
  const d = () => got.push('d');
  const e = () => got.push('e');
  pool.borrow(c);
  pool.borrow(d);
  pool.borrow(e);
  expect(got).toEqual(['a', 'b']);
  expect(pool.queued).toBe(3);
  pool.giveBack(first as Buffer);
  expect(got).toEqual(['a', 'b', 'c: a’s buffer']);
  pool.cancel(d);
  expect(pool.queued).toBe(1);
  // A buffer that will not come back lets another be made, for the next in line.
  pool.lose();
  expect(got).toEqual(['a', 'b', 'c: a’s buffer', 'e']);
  expect(pool.buffers).toBe(2);
  expect(pool.queued).toBe(0);
});

const SIZE = 3 * 1024 * 1024 + 17;
let dir: string;
let handle: FileHandle;
let content: Buffer;
let server: http.Server;
let port: number;
const pool = new BufferPool(64 * 1024, 2);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'razor-image-stream-'));
  content = randomBytes(SIZE);
  writeFileSync(join(dir, 'disk.img'), content);
  handle = await open(join(dir, 'disk.img'));
  server = http.createServer((req, res) => {
    const [start, length] = (req.url ?? '/0/0').slice(1).split('/').map(Number) as [number, number];
    res.writeHead(200, { 'Content-Length': length });
    sendFileRange(handle, res, start, length, pool).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.close();
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function download(start: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/${start}/${length}`, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

test('20 concurrent downloads through 2 buffers all get their exact bytes', async () => {
  const ranges = Array.from({ length: 20 }, (_, i) => [i * 1000, SIZE - i * 150_000 - i * 1000] as const);
  const bodies = await Promise.all(ranges.map(([s, l]) => download(s, l)));
  bodies.forEach((b, i) => {
    const [s, l] = ranges[i]!;
    expect(b.equals(content.subarray(s, s + l))).toBe(true);
  });
  expect(pool.buffers).toBeLessThanOrEqual(2);
  expect(pool.queued).toBe(0);
});

test('clients going away mid-download leave no buffer lent out: the next download still runs', async () => {
  const gone = Array.from(
    { length: 20 },
    () =>
      new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/0/${SIZE}`, agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
      }),
  );
  await Promise.all(gone);
  // The server has seen every client go: all its connections closed.
  const open = () => new Promise<number>((r, j) => server.getConnections((e, n) => (e ? j(e) : r(n))));
  await until('the abandoned connections to close', async () => ((await open()) === 0 ? true : undefined));
  expect(pool.queued).toBe(0);
  expect(pool.buffers).toBeLessThanOrEqual(2);
  const body = await download(5, SIZE - 5);
  expect(body.equals(content.subarray(5))).toBe(true);
});

test('heap growth is bounded while at least one download is under way, and only then', () => {
  const flags: string[] = [];
  const heap = new HeapGrowth(0, (f) => flags.push(f));
  heap.collected(MIN_HEADROOM_BYTES * 4);
  expect(flags).toEqual([]); // 0: V8's own sizing at rest, whatever the heap
  heap.started();
  heap.started();
  heap.ended();
  expect(flags).toEqual(['--heap-growing-percent=50']);
  heap.ended();
  expect(flags).toEqual(['--heap-growing-percent=50', '--heap-growing-percent=0']);
});

test('heap_growth_percent applies with at least MIN_HEADROOM_BYTES of growth; downloads only lower it', () => {
  const flags: string[] = [];
  const heap = new HeapGrowth(50, (f) => flags.push(f));
  heap.collected(MIN_HEADROOM_BYTES * 4); // a large heap: 50 % is more than the least headroom
  expect(flags).toEqual(['--heap-growing-percent=50']);
  heap.collected(MIN_HEADROOM_BYTES); // a small one: grown by the least headroom, 100 %
  expect(flags.at(-1)).toBe('--heap-growing-percent=100');
  heap.collected(MIN_HEADROOM_BYTES / 100); // never past 300 %
  expect(flags.at(-1)).toBe('--heap-growing-percent=300');
  heap.started();
  expect(flags.at(-1)).toBe('--heap-growing-percent=50');
  heap.ended();
  expect(flags.at(-1)).toBe('--heap-growing-percent=300');
  const tight = new HeapGrowth(30, (f) => flags.splice(0, flags.length, f));
  tight.collected(MIN_HEADROOM_BYTES * 10);
  tight.started();
  expect(flags).toEqual(['--heap-growing-percent=30']); // already under 50: unchanged
});

test("watch() sees the process's own full collections", async () => {
  const seen: number[] = [];
  const heap = new HeapGrowth(50, () => undefined);
  heap.collected = (live) => void seen.push(live);
  const stop = heap.watch();
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    stop();
  }
  expect(seen.length).toBeGreaterThan(0);
  expect(seen[0]).toBeGreaterThan(0);
});
