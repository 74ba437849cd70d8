/**
 * Checks a server hands out exactly the bytes of the file on disk: HEAD headers (size, ETag,
 * Accept-Ranges), the whole body's SHA-256, each sample range as a 206 with the right
 * Content-Range and bytes, and a 304 for its own ETag.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Server } from './servers.js';
import { sampleRanges } from './range-mix.js';

/** SHA-256 (hex) of bytes `first`..`last` (inclusive) of `file`, or all of it. */
export async function fileHash(file: string, first?: number, last?: number): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { start: first, end: last })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function bodyHash(res: Response): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of res.body ?? []) {
    h.update(chunk);
    bytes += chunk.length;
  }
  return { hash: h.digest('hex'), bytes };
}

/** Fails unless `s` serves `file` (`size` bytes, SHA-256 `hash`) at `urlPath` as described above. */
export async function expectSameFile(
  s: Server,
  urlPath: string,
  file: string,
  size: number,
  hash: string,
): Promise<{ etag: string }> {
  const url = s.url + urlPath;
  const fail = (what: string) => new Error(`${s.name} at ${urlPath}: ${what}`);
  const head = await fetch(url, { method: 'HEAD' });
  const etag = head.headers.get('etag') ?? '';
  if (head.status !== 200) throw fail(`HEAD is ${head.status}`);
  if (head.headers.get('content-length') !== String(size))
    throw fail(`Content-Length ${head.headers.get('content-length')}, not ${size}`);
  if (!/^"[^"]+"$/.test(etag)) throw fail(`no strong ETag (${etag})`);
  if (head.headers.get('accept-ranges') !== 'bytes') throw fail('no Accept-Ranges: bytes');
  const whole = await bodyHash(await fetch(url));
  if (whole.bytes !== size || whole.hash !== hash) throw fail(`GET gave ${whole.bytes} other bytes`);
  for (const r of sampleRanges(size)) {
    const res = await fetch(url, { headers: { range: r.header } });
    const want = `bytes ${r.first}-${r.last}/${size}`;
    if (res.status !== 206 || res.headers.get('content-range') !== want)
      throw fail(`${r.header} gave ${res.status} ${res.headers.get('content-range')}, not 206 ${want}`);
    const got = await bodyHash(res);
    if (got.bytes !== r.last - r.first + 1 || got.hash !== (await fileHash(file, r.first, r.last)))
      throw fail(`${r.header} gave other bytes`);
  }
  const cached = await fetch(url, { headers: { 'if-none-match': etag } });
  await cached.arrayBuffer();
  if (cached.status !== 304) throw fail(`If-None-Match with its own ETag gave ${cached.status}`);
  return { etag };
}
